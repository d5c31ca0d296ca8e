"""What the plan asks of the service, under each mapping option (pure)."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from plansync.config import Mapping_
from plansync.engine.desired import desired_state
from plansync.engine.records import RemoteState
from plansync.plan import parse_plan

PLAN = parse_plan(
    textwrap.dedent(
        """
        # Plan
        ### Phase 1: Setup
        - [x] 1. Base
          - _Priority: High | Effort: 2 hours_
        - [ ] 2. Build
          - Blocked by: 1
          - [ ] 2.1 Part
        <!--
        - [ ] 3. Someday
        -->
        ## Risks
        - [ ] **Risk: Slow API**
          - **Owner**: alice
        - [~] **Risk: Vendor lock-in**
        """
    ).lstrip()
)


def test_defaults_tasks_become_issues_checklists_one_tracking_issue() -> None:
    desired = desired_state(PLAN, Mapping_())
    keys = [issue.key for issue in desired.issues]
    assert keys == ["1", "2", "2.1", "checklist/risks"]  # the commented task is not synced
    base, build, part, risks = desired.issues
    assert base.state is RemoteState.DONE and base.labels == ("plan", "priority: high")
    assert (build.blocked_by, part.parent, part.milestone) == (("1",), "2", "Phase 1")
    assert [m.key for m in desired.milestones] == ["Phase 1"]
    assert risks.derived and risks.labels == ("plan", "kind: risk")
    assert risks.details == "- [ ] Risk: Slow API (owner: alice)\n- [ ] Risk: Vendor lock-in"


def test_checklists_as_issues_with_owners_as_assignees() -> None:
    mapping = replace(Mapping_(), checklists="issues", users={"alice": "alice-gh"})
    issues = {i.key: i for i in desired_state(PLAN, mapping).issues}
    slow = issues["risk-slow-api"]
    assert slow.assignees == ("alice-gh",) and "kind: risk" in slow.labels
    assert issues["risk-vendor-lock-in"].state is RemoteState.SKIPPED


def test_task_list_nesting_and_effort_labels() -> None:
    mapping = replace(Mapping_(), nested="task-list", extra_labels=("effort",))
    issues = {i.key: i for i in desired_state(PLAN, mapping).issues}
    assert issues["2.1"].parent is None
    assert issues["2"].details.endswith("**Sub-tasks:**\n\n- [ ] Part (2.1)")
    assert issues["1"].labels == ("plan", "effort: 2 hours")


def test_checklists_off() -> None:
    mapping = replace(Mapping_(), checklists="off")
    assert [i.key for i in desired_state(PLAN, mapping).issues] == ["1", "2", "2.1"]
