"""Pieces of an issue update that need no walk of the plan: why it changes (for people),
the assignees to ask for, and the body of an adopted issue (pure)."""

from __future__ import annotations

from dataclasses import replace

from plansync.engine import marker as m
from plansync.engine.changes import UpdateIssue
from plansync.engine.desired import DesiredIssue
from plansync.engine.records import RemoteIssue


def change_reasons(
    update: UpdateIssue, description: bool, details: bool, remote: RemoteIssue
) -> tuple[str, ...]:
    """What a person would call each change, in the order they would read them."""
    why = ["title"] if update.title is not None else []
    if update.body is not None:
        why += ["description"] if description else []
        why += ["details"] if details else []
        why += [] if description or details else ["sync record"]
    if update.state is not None:
        why.append(f"state: {remote.state.value} -> {update.state.value}")
    why += [
        name for name in ("labels", "milestone", "assignees") if getattr(update, name) is not None
    ]
    return tuple(why)


def assignees_to_ask(
    issue: DesiredIssue, remote: RemoteIssue, base: dict[str, object]
) -> tuple[str, ...] | None:
    """The plan's assignees, when the issue lacks them and they were not already asked for
    (the service may refuse an owner who has no account; a person may unassign)."""
    if not issue.assignees or set(issue.assignees) == set(remote.assignees):
        return None
    return None if base.get("assignees") == sorted(issue.assignees) else issue.assignees


def adopted_body(body: m.Body, issue: DesiredIssue) -> m.Body:
    """An issue plansync did not write whose whole body is the task's description (as
    `plansync import` makes it) keeps that text once, as the description."""
    if (
        body.description is None
        and body.before
        and m.digest(body.before) == m.digest(issue.description)
    ):
        return replace(body, before="", description=m.normalize(body.before))
    return body
