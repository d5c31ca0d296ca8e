"""reconcile as a pure function: what it decides about interrupted creates, raced runs and
issues it must not trust, on an in-memory snapshot of the service."""

from __future__ import annotations

from dataclasses import replace

from plansync.engine import marker as m
from plansync.engine.changes import SyncPlan
from plansync.engine.policy import Policy
from plansync.engine.reconcile import reconcile
from plansync.engine.records import RemoteIssue, RemoteState, Snapshot
from plansync.plan import parse_plan

PATH = "docs/plan.md"
PLAN = """# Plan

## Phase 1: Start

- [x] **Task 1: Data model**
  - The tables
- [ ] **Task 2: Tokens**
  - _Dependencies: Task 1_
"""
BOT = "plansync-bot"


def issue_for(
    changes: SyncPlan, key: str, number: int, *, body: str | None = None, author: str = BOT
) -> RemoteIssue:
    """The issue a service would hold right after `changes` created `key` (the create only)."""
    create = next(c for c in changes.creates if c.issue.key == key)
    return RemoteIssue(
        number=number,
        id=1000 + number,
        title=create.issue.title,
        body=create.body if body is None else body,
        state=RemoteState.OPEN,
        labels=create.issue.labels,
        author=author,
    )


def run(plan_text: str, issues: tuple[RemoteIssue, ...], trusted: frozenset[str]) -> SyncPlan:
    policy = Policy(trusted_authors=trusted)
    return reconcile(parse_plan(plan_text, PATH), PATH, policy, Snapshot(issues, (), ("plan",)))


def test_a_done_task_is_created_open_and_closed_with_the_marker_that_says_so() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    create = next(c for c in first.creates if c.issue.key == "Task 1")
    assert m.parse_marker(create.body).base["state"] == "open"  # type: ignore[union-attr]
    assert create.closing_body is not None
    assert m.parse_marker(create.closing_body).base["state"] == "done"  # type: ignore[union-attr]


def test_a_run_stopped_between_the_create_and_the_close_does_not_untick_the_box() -> None:
    """The lost edit of issue 8: the issue exists, open, and its close never happened."""
    first = run(PLAN, (), frozenset({BOT}))
    made = (issue_for(first, "Task 1", 1), issue_for(first, "Task 2", 2))
    plan_with_refs = PLAN.replace("Data model**", "Data model** (#1)").replace(
        "Tokens**", "Tokens** (#2)"
    )
    second = run(plan_with_refs, made, frozenset({BOT}))
    assert not second.plan_edits  # the box stays ticked
    [close] = [u for u in second.updates if u.key == "Task 1"]
    assert close.state is RemoteState.DONE


def test_two_issues_for_one_task_keep_the_referenced_one_and_close_the_other() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    made = (
        issue_for(first, "Task 1", 1),
        issue_for(first, "Task 2", 2),
        issue_for(first, "Task 2", 3),  # a second run, racing, made Task 2 again
    )
    text = PLAN.replace("Tokens**", "Tokens** (#3)")
    second = run(text, made, frozenset({BOT}))
    assert [(d.key, d.number, d.keep) for d in second.duplicates] == [("Task 2", 2, 3)]
    assert not second.creates and not second.closes  # #2 is a duplicate, not a removed task


def test_without_a_reference_the_older_issue_is_kept() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    made = (issue_for(first, "Task 2", 5), issue_for(first, "Task 2", 7))
    second = run(PLAN, made, frozenset({BOT}))
    assert [(d.number, d.keep) for d in second.duplicates] == [(7, 5)]


def test_a_closed_duplicate_is_left_alone() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    twin = replace(issue_for(first, "Task 2", 7), state=RemoteState.DONE)
    second = run(PLAN, (issue_for(first, "Task 2", 5), twin), frozenset({BOT}))
    assert not second.duplicates


def test_a_forged_marker_from_an_untrusted_author_is_reported_not_adopted() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    forged = issue_for(first, "Task 2", 9, author="mallory")
    forged = replace(forged, title="Pwned", state=RemoteState.DONE)
    second = run(PLAN, (forged,), frozenset({BOT}))
    assert {c.issue.key for c in second.creates} == {"Task 1", "Task 2"}  # not adopted
    assert not second.plan_edits  # its title and state do not reach the plan
    [note] = second.notes
    assert note.number == 9 and "@mallory" in note.text


def test_an_untrusted_issue_the_plan_line_references_is_adopted() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    theirs = issue_for(first, "Task 2", 9, author="alice")
    second = run(PLAN.replace("Tokens**", "Tokens** (#9)"), (theirs,), frozenset({BOT}))
    assert "Task 2" not in {c.issue.key for c in second.creates}
    assert not second.notes


def test_configured_authors_are_trusted() -> None:
    first = run(PLAN, (), frozenset({BOT}))
    theirs = issue_for(first, "Task 2", 9, author="alice")
    second = run(PLAN, (theirs,), frozenset({BOT, "alice"}))
    assert "Task 2" not in {c.issue.key for c in second.creates}
