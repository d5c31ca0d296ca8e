"""Property (issue 9): any title and description a person types into an issue, pulled by a
whole sync into any corpus plan, leaves the plan's structure unchanged, and the next sync
makes zero writes on either side. reconcile runs against an in-memory service."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansync.engine.changes import SyncPlan
from plansync.engine.desired import ref_text
from plansync.engine.policy import Conflicts, Policy
from plansync.engine.reconcile import reconcile
from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.plan import Plan, parse_plan
from plansync.plan.structure import structure
from plansync.plan.write import SetIssueRef, apply_edits
from tests.plan.test_pulled_properties import TEXT
from tests.sync.test_corpus_sync import FILES

PATH = "plan.md"
POLICY = Policy(conflicts=Conflicts(text="remote-wins"), trusted_authors=None)


class Service:
    """Issues, milestones and labels as a service would hold them after plansync's writes."""

    def __init__(self) -> None:
        self.issues: dict[int, RemoteIssue] = {}
        self.milestones: dict[str, RemoteMilestone] = {}  # by key
        self.labels: set[str] = set()

    def copy(self) -> Service:
        other = Service()
        other.issues, other.milestones = dict(self.issues), dict(self.milestones)
        other.labels = set(self.labels)
        return other

    def snapshot(self) -> Snapshot:
        milestones = tuple(self.milestones.values())
        return Snapshot(tuple(self.issues.values()), milestones, tuple(self.labels))

    def apply(self, changes: SyncPlan) -> dict[str, int]:
        self.labels.update(label.name for label in changes.labels)
        for change in changes.milestones:
            number = getattr(change, "number", len(self.milestones) + 1)
            ms = RemoteMilestone(number, change.title, change.description, change.due_on)
            self.milestones[change.key] = ms
        numbers = {key: ms.number for key, ms in self.milestones.items()}
        made: dict[str, int] = {}
        for create in changes.creates:
            number = len(self.issues) + 1
            wanted = create.issue
            state = wanted.state if create.closing_body else RemoteState.OPEN
            body = create.closing_body or create.body
            milestone = numbers.get(wanted.milestone) if wanted.milestone else None
            self.issues[number] = RemoteIssue(
                number, number, wanted.title, body, state, wanted.labels, milestone
            )
            made[wanted.key] = number
        for update in changes.updates:
            number = update.number or made[update.key]
            issue = self.issues[number]
            self.issues[number] = replace(
                issue,
                title=update.title if update.title is not None else issue.title,
                body=update.body if update.body is not None else issue.body,
                state=update.state or issue.state,
                labels=update.labels if update.labels is not None else issue.labels,
                milestone=numbers[update.milestone] if update.milestone else issue.milestone,
            )
        return made


def first_sync(text: str) -> tuple[str, Service]:
    service = Service()
    plan = parse_plan(text, PATH)
    changes = reconcile(plan, PATH, POLICY, service.snapshot())
    made = service.apply(changes)
    refs = [SetIssueRef(r.key, ref_text("number", made[r.key], "")) for r in changes.refs]
    return apply_edits(plan, refs), service


def shape_without(plan: Plan, line: int) -> object:
    """The plan's structure, less the values a pull into the task on `line` may change
    (its title, its description, and its key where the title gives it)."""
    shape = structure(plan)
    items = tuple(
        replace(i, title="", description="", key=i.key if i.written_key else "")
        if plan.items[n].line == line
        else i
        for n, i in enumerate(shape.items)
    )
    return replace(shape, items=items)


SYNCED: dict[Path, tuple[str, Service]] = {}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_pulled_title_and_description_change_values_only_and_converge(path: Path) -> None:
    if path not in SYNCED:
        SYNCED[path] = first_sync(path.read_text(encoding="utf-8"))
    text, service = SYNCED[path]
    plan = parse_plan(text, PATH)
    numbers = {issue.number for issue in service.issues.values()}
    tasks = [i for i in plan.items if i.issue_ref and int(i.issue_ref.lstrip("#")) in numbers]
    if not tasks:
        pytest.skip("no synced task")

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(tasks), TEXT, TEXT)
    def check(task: object, title: str, description: str) -> None:
        line, number = task.line, int(task.issue_ref.lstrip("#"))  # type: ignore[attr-defined]
        remote = service.copy()
        edited = remote.issues[number]
        body = edited.body.replace(
            "<!-- plansync:begin -->\n", f"<!-- plansync:begin -->\n{description}\n", 1
        )
        remote.issues[number] = replace(edited, title=title, body=body)

        changes = reconcile(plan, PATH, POLICY, remote.snapshot())
        after = parse_plan(apply_edits(plan, [e.edit for e in changes.plan_edits]), PATH)
        assert shape_without(after, line) == shape_without(plan, line)
        remote.apply(changes)
        again = reconcile(after, PATH, POLICY, remote.snapshot())
        assert again.remote_writes == 0 and not again.plan_edits, again

    check()
