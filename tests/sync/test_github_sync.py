"""plan <-> GitHub, both ways, through PyGithub and the sandbox: every case in the issue."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from plansync.errors import ProviderError
from tests.sync.conftest import World


def issue_of(world: World, key: str):  # type: ignore[no-untyped-def]
    for issue in world.repo().get_issues(state="all"):
        if f'"key":"{key}"' in (issue.body or ""):
            return issue
    raise AssertionError(f"no issue for {key}")


def test_first_sync_creates_issues_milestones_relations_and_refs(world: World) -> None:
    _, outcome = world.sync()
    repo = world.repo()
    issues = list(repo.get_issues(state="all"))
    tasks = [i for i in issues if i.title in {"Invitation Data Model", "Invitation Tokens"}]
    assert len(issues) == 9 + 5  # nine tasks, five checklist sections as tracking issues
    assert len(tasks) == 2
    milestones = sorted(m.title for m in repo.get_milestones(state="all"))
    assert milestones == [
        "Phase 1: Foundation and Setup",
        "Phase 2: Backend Implementation",
        "Phase 3: Frontend Implementation",
        "Phase 4: Integration and Testing",
    ]
    task1, task2 = issue_of(world, "Task 1"), issue_of(world, "Task 2")
    assert (task1.state, task1.state_reason) == ("closed", "completed")  # [x] in the plan
    assert task2.milestone.title == "Phase 1: Foundation and Setup"
    assert {label.name for label in issue_of(world, "Task 3").labels} == {"plan", "priority: high"}
    assert [b.number for b in task2.get_blocked_by()] == [task1.number]
    assert "Generate single-use tokens" in task2.body
    assert "- **Effort:** 3 hours" in task2.body
    assert f"- [ ] **Task 2: Invitation Tokens** (#{task2.number})" in world.text()
    assert outcome.plan_written


def test_an_immediate_resync_makes_zero_writes(world: World) -> None:
    world.sync()
    before = world.writes()
    changes, outcome = world.sync()
    assert changes.in_sync
    assert world.writes() == before
    assert outcome.counts == {}


def test_tick_closes_and_untick_reopens(world: World) -> None:
    world.sync()
    world.edit("- [ ] **Task 2", "- [x] **Task 2")
    world.sync()
    issue = issue_of(world, "Task 2")
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    world.edit("- [x] **Task 2", "- [ ] **Task 2")
    world.sync()
    assert issue_of(world, "Task 2").state == "open"
    assert world.plan().in_sync


def test_closing_on_github_ticks_and_reopening_unticks(world: World) -> None:
    world.sync()
    issue_of(world, "Task 3").edit(state="closed", state_reason="completed")
    world.sync()
    assert "- [x] **Task 3: Invitation API**" in world.text()
    issue_of(world, "Task 3").edit(state="open")
    world.sync()
    assert "- [ ] **Task 3: Invitation API**" in world.text()
    issue_of(world, "Task 4").edit(state="closed", state_reason="not_planned")
    world.sync()
    assert "- [~] **Task 4: Accepting an Invitation**" in world.text()
    assert world.plan().in_sync


def test_titles_follow_either_side(world: World) -> None:
    world.sync()
    world.edit("Task 5: Invitation Emails", "Task 5: Invitation and Reminder Emails")
    world.sync()
    assert issue_of(world, "Task 5").title == "Invitation and Reminder Emails"
    issue_of(world, "Task 6").edit(title="Invite Dialog with CSV Upload")
    world.sync()
    assert "**Task 6: Invite Dialog with CSV Upload**" in world.text()
    assert world.plan().in_sync


def test_descriptions_follow_either_side_and_person_text_is_kept(world: World) -> None:
    world.sync()
    issue = issue_of(world, "Task 7")
    body = issue.body.replace("Clear messages for expired", "Friendly messages for expired")
    issue.edit(body="A note a person wrote above.\n\n" + body)
    world.sync()
    assert "  - Friendly messages for expired, revoked and already-used invitations" in world.text()
    world.edit("  - The page an invitation link opens", "  - The page every invitation link opens")
    world.sync()
    body = issue_of(world, "Task 7").body
    assert body.startswith("A note a person wrote above.")
    assert "The page every invitation link opens" in body
    assert world.plan().in_sync


def test_removed_task_is_closed_as_not_planned_with_a_comment(world: World) -> None:
    world.sync()
    text = world.text()
    start = text.index("- [ ] **Task 9")
    end = text.index("## Quality Gates")
    world.plan_path.write_text(text[:start] + text[end:])
    world.sync()
    issue = issue_of(world, "Task 9")
    assert (issue.state, issue.state_reason) == ("closed", "not_planned")
    assert "no longer in" in next(iter(issue.get_comments())).body
    assert world.plan().in_sync
    world.plan_path.write_text(text)  # put it back: the same issue reopens
    world.sync()
    issue = issue_of(world, "Task 9")
    assert (
        issue.state == "open" and "- [ ] **Task 9: Launch Behind a Feature Flag**" in world.text()
    )
    assert len(list(world.repo().get_issues(state="all"))) == 14
    assert world.plan().in_sync


@pytest.mark.parametrize(
    ("policy", "plan_title", "issue_title"),
    [
        ("plan-wins", "Tokens (plan)", "Tokens (plan)"),
        ("remote-wins", "Tokens (github)", "Tokens (github)"),
        ("fail", "Tokens (plan)", "Tokens (github)"),
    ],
)
def test_conflict_policies(world: World, policy: str, plan_title: str, issue_title: str) -> None:
    world.sync()
    world.edit("Task 2: Invitation Tokens", "Task 2: Tokens (plan)")
    issue_of(world, "Task 2").edit(title="Tokens (github)")
    preview = world.plan(text=policy)
    changes, _ = world.sync(text=policy)
    assert f"**Task 2: {plan_title}**" in world.text()
    assert issue_of(world, "Task 2").title == issue_title
    if policy == "fail":
        (conflict,) = preview.conflicts
        assert (conflict.field, conflict.plan_value, conflict.remote_value) == (
            "title",
            "Tokens (plan)",
            "Tokens (github)",
        )
        assert world.plan(text="fail").conflicts  # reported again until a person decides
    else:
        assert not changes.conflicts
        assert world.plan().in_sync


def test_renamed_renumbered_and_moved_tasks_keep_their_issue(world: World) -> None:
    world.sync()
    number = issue_of(world, "Task 8").number
    # renumber Task 8 -> Task 10 and move it to Phase 3; its line keeps the (#N) reference
    text = world.text()
    block = re.search(r"- \[ \] \*\*Task 8:.*?(?=\n\n)", text, re.S).group(0)
    text = text.replace(block + "\n\n", "")
    moved = block.replace("Task 8: End-to-End Tests", "Task 10: End-to-End Test Suite")
    text = text.replace(
        "### Phase 4: Integration and Testing\n\n", "### Phase 4: Integration and Testing\n\n" + ""
    )
    text = text.replace("- [ ] **Task 7: Join Page**", moved + "\n\n- [ ] **Task 7: Join Page**")
    text = text.replace("Dependencies: Task 8 |", "Dependencies: Task 10 |")
    world.plan_path.write_text(text)
    world.sync()
    issue = world.repo().get_issue(number)
    assert issue.title == "End-to-End Test Suite"
    assert issue.milestone.title == "Phase 3: Frontend Implementation"
    assert '"key":"Task 10"' in issue.body
    assert len(list(world.repo().get_issues(state="all"))) == 14
    assert world.plan().in_sync


def test_milestone_due_dates_come_from_the_plan(world: World) -> None:
    world.edit(
        "### Phase 2: Backend Implementation\n",
        "### Phase 2: Backend Implementation\n\n**Due:** 2026-12-11\n",
    )
    world.sync()
    milestone = issue_of(world, "Task 3").milestone
    assert milestone.due_on.date().isoformat() == "2026-12-11"
    assert "Completion criteria:" in milestone.description
    world.edit("**Due:** 2026-12-11", "**Due:** 2026-12-18")
    world.sync()
    assert issue_of(world, "Task 3").milestone.due_on.date().isoformat() == "2026-12-18"
    assert world.plan().in_sync


def test_issues_made_on_github_join_the_plan_when_asked(world: World) -> None:
    world.config = replace(world.config, mapping=replace(world.config.mapping, import_issues=True))
    world.sync()
    repo = world.repo()
    milestone = issue_of(world, "Task 4").milestone
    made = repo.create_issue(
        "Audit log for invitations",
        body="Someone asked for this.",
        labels=["plan"],
        milestone=milestone,
    )
    unlabelled = repo.create_issue("Not for the plan")
    world.sync()
    text = world.text()
    assert f"- [ ] Audit log for invitations (#{made.number})" in text
    assert text.index("Audit log for invitations") < text.index("### Phase 3")
    assert "Not for the plan" not in text and unlabelled.number
    body = repo.get_issue(made.number).body
    assert (
        body.startswith("Someone asked for this.") and '"key":"audit-log-for-invitations"' in body
    )
    before = world.writes()
    assert world.plan().in_sync
    world.sync()
    assert world.writes() == before


def test_checklists_as_issues_and_risk_owners_as_assignees(world: World) -> None:
    mapping = replace(world.config.mapping, checklists="issues", users={"alice": "alice"})
    world.config = replace(world.config, mapping=mapping)
    world.sandbox.add_account("alice")  # an assignee must be able to push, as on GitHub
    world.sync()
    risk = issue_of(world, "risk-invitation-spam")
    assert [user.login for user in risk.assignees] == ["alice"]
    assert {label.name for label in risk.labels} == {"plan", "kind: risk"}
    assert "- **Timeline:** Before Task 9" in risk.body
    assert len(list(world.repo().get_issues(state="all"))) == 9 + 7
    assert world.plan().in_sync


def test_an_owner_github_does_not_know_leaves_the_issue_unassigned(world: World) -> None:
    mapping = replace(world.config.mapping, checklists="issues", users={"alice": "nobody-here"})
    world.config = replace(world.config, mapping=mapping)
    world.sync()  # GitHub answers 422 to the unknown assignee; the issue is made without
    risk = issue_of(world, "risk-invitation-spam")
    assert list(risk.assignees) == []
    assert len(list(world.repo().get_issues(state="all"))) == 9 + 7
    assert world.plan().in_sync  # and it is not asked again on every run


def test_relations_that_failed_half_way_are_made_on_the_next_run(world: World) -> None:
    # a 503 that lasts (a retry cannot heal it) stops the run at the fourth relation
    world.sandbox.set_faults("POST /repos/*/issues/*/dependencies/blocked_by: 503 @4+")
    with pytest.raises(ProviderError, match="503"):
        world.sync()
    world.sandbox.set_faults("")
    # the issues whose relations were not all made have no reference on their line yet
    assert "(#" not in world.text().split("**Task 5")[1].split("\n")[0]
    world.sync()
    for key, blockers in {
        "Task 5": ["Task 3"],
        "Task 8": ["Task 6", "Task 7"],
        "Task 2": ["Task 1"],
    }.items():
        numbers = sorted(b.number for b in issue_of(world, key).get_blocked_by())
        assert numbers == sorted(issue_of(world, b).number for b in blockers)
    assert len(list(world.repo().get_issues(state="all"))) == 14
    before = world.writes()
    assert world.plan().in_sync
    world.sync()
    assert world.writes() == before


def test_ticks_in_a_tracking_issue_reach_the_plan_and_back(world: World) -> None:
    world.sync()
    tracking = issue_of(world, "checklist/phase-2-completion-criteria")
    assert "- [ ] API documented and covered by integration tests" in tracking.body
    tracking.edit(
        body=tracking.body.replace(
            "- [ ] API documented and covered by integration tests",
            "- [x] API documented and covered by integration tests",
        )
    )
    world.edit(
        "- [ ] Invitation emails render correctly", "- [x] Invitation emails render correctly"
    )
    world.sync()
    assert "- [x] API documented and covered by integration tests" in world.text()
    tracking = issue_of(world, "checklist/phase-2-completion-criteria")
    assert "- [x] Invitation emails render correctly in the major mail clients" in tracking.body
    assert (tracking.state, tracking.state_reason) == ("closed", "completed")  # all ticked
    assert world.plan().in_sync


def test_a_status_issue_shows_progress_and_the_picture_and_changes_only_with_the_plan(
    world: World,
) -> None:
    world.config = replace(world.config, mapping=replace(world.config.mapping, status_issue=True))
    world.sync()
    status = issue_of(world, "status/plan")
    assert status.title == "Plan status: Team Invitations - Implementation Plan"
    assert "```mermaid" in status.body and "| Phase |" in status.body
    assert "1/9" in status.body  # Task 1 is done
    before = world.writes()
    world.sync()
    assert world.writes() == before  # unchanged plan: no write
    world.edit("- [ ] **Task 2:", "- [x] **Task 2:")
    changes, _ = world.sync()
    assert {u.key for u in changes.updates} == {"Task 2", "status/plan"}
    assert "2/9" in issue_of(world, "status/plan").body
