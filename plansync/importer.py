"""Existing milestones and issues -> the text of a plan file in the team template (pure).

Each milestone becomes a phase, each issue a checkbox task that ends with its reference
(` (#12)`), so that parsing the text gives one task per issue, with the issue's number and state.
"""

from __future__ import annotations

from dataclasses import dataclass

from plansync.engine import marker as m
from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.plan.model import Kind
from plansync.plan.parse import parse_plan

NO_MILESTONE_TITLE = "Without a milestone"
# A section field that says "these tasks have no milestone on the service" (see the report).
NO_MILESTONE_FIELD = "**Milestone:** none"


@dataclass(frozen=True)
class Imported:
    text: str
    tasks: int  # one per issue
    phases: int
    without_description: tuple[int, ...]  # issues whose body could not be kept in the plan


def import_plan(
    snapshot: Snapshot, title: str = "Imported plan", skipped_marker: str = "~"
) -> Imported:
    """The plan text for every issue in `snapshot`, grouped by milestone.

    Phases come in due-date order (milestones without a date after, by number); tasks by
    issue number. A task's description is the issue's description: the managed part of a
    body plansync wrote, or the whole body of any other issue, when it reads back from the
    plan unchanged (a body holding checkboxes or `Key: value` lines does not; it is left
    out and listed in `without_description`).
    """
    by_milestone: dict[int | None, list[RemoteIssue]] = {}
    for issue in sorted(snapshot.issues, key=lambda i: i.number):
        known = any(ms.number == issue.milestone for ms in snapshot.milestones)
        by_milestone.setdefault(issue.milestone if known else None, []).append(issue)
    phases = [
        (ms.title, by_milestone[ms.number])
        for ms in sorted(snapshot.milestones, key=_milestone_order)
        if ms.number in by_milestone
    ]
    lines = [f"# {_one_line(title) or 'Imported plan'}", "", "## Task Overview", ""]
    lines += [f"**Total Tasks:** {len(snapshot.issues)}  ", "", "## Implementation Tasks", ""]
    number = 0
    left_out: list[int] = []
    sections = [*phases, *([(None, by_milestone[None])] if None in by_milestone else [])]
    for phase_title, issues in sections:
        lines += [f"### {_heading(phase_title)}", ""]
        if phase_title is None:
            lines += [NO_MILESTONE_FIELD, ""]
        for issue in issues:
            number += 1
            block, kept = task_block(number, issue, skipped_marker)
            lines += [*block, ""]
            if not kept:
                left_out.append(issue.number)
    text = "\n".join(lines).rstrip("\n") + "\n"
    return Imported(text, number, len(sections), tuple(left_out))


def _milestone_order(milestone: RemoteMilestone) -> tuple[bool, str, int]:
    return (milestone.due_on is None, milestone.due_on or "", milestone.number)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _heading(title: str | None) -> str:
    if title is None:
        return NO_MILESTONE_TITLE
    return _one_line(title) or "Untitled milestone"


def description_of(issue: RemoteIssue) -> str:
    """What the plan shows under the task: the managed description, or the person's body."""
    if m.parse_marker(issue.body) is not None:
        return m.split_body(issue.body).description or ""
    return m.normalize(issue.body or "")


def task_block(
    number: int, issue: RemoteIssue, skipped_marker: str = "~"
) -> tuple[list[str], bool]:
    """The task's lines, and whether its description is in them (False: left out)."""
    marker = {RemoteState.OPEN: " ", RemoteState.DONE: "x"}.get(issue.state, skipped_marker)
    line = task_line(number, issue.title, marker, issue.number)
    description = description_of(issue)
    if not description:
        return [line], True
    body = [f"  {row}" if row.strip() else "" for row in description.split("\n")]
    if _reads_back([line, *body], None, description):
        return [line, *body], True
    return [line], False


def task_line(number: int, title: str, marker: str, issue_number: int) -> str:
    """`- [ ] **Task 3: Title** (#12)`, or without the bold when the title would not survive it."""
    flat = _one_line(title) or f"Issue {issue_number}"
    for line in (
        f"- [{marker}] **Task {number}: {flat}** (#{issue_number})",
        f"- [{marker}] Task {number}: {flat} (#{issue_number})",
    ):
        if _reads_back([line], flat, ""):
            return line
    # No form keeps the title exactly (it is read as fields): keep the key and the ref right.
    return f"- [{marker}] Task {number}: {flat} (#{issue_number})"


def _reads_back(lines: list[str], title: str | None, description: str) -> bool:
    # The task after it must still be a task: an unclosed fence or comment would swallow it.
    after = "- [ ] Next (#1)"
    plan = parse_plan("\n".join(["### Phase 1", "", *lines, "", after, ""]))
    if len(plan.items) != 2 or plan.items[1].title != "Next" or plan.items[1].commented:
        return False
    item = plan.items[0]
    return (
        item.kind is Kind.TASK
        and not item.commented
        and (title is None or item.title == title)
        and item.issue_ref is not None
        and not item.fields
        and m.same(item.description, description)
    )
