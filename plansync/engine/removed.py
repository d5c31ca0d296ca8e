"""Issues plansync made for tasks that are gone from the plan: closed as not planned (pure)."""

from __future__ import annotations

from dataclasses import replace

from plansync.engine import marker as m
from plansync.engine.changes import CloseRemoved
from plansync.engine.identity import REMOVED
from plansync.engine.records import RemoteIssue, RemoteState


def closes_for_removed(plan_path: str, matched: dict[str, RemoteIssue]) -> list[CloseRemoved]:
    """One close, with a comment, per open issue that no task claims any more.

    The new marker's base says "skipped", so putting the task back reopens the issue.
    """
    closes: list[CloseRemoved] = []
    for key, remote in matched.items():
        if not key.startswith(REMOVED) or remote.state is not RemoteState.OPEN:
            continue
        marker_key = key[len(REMOVED) :]
        comment = (
            f"This task ({marker_key}) is no longer in `{plan_path}`, so plansync closed "
            "it as not planned. Put it back in the plan to reopen it."
        )
        body = m.split_body(remote.body)
        assert body.marker is not None  # only marked issues are matched under REMOVED
        base = {**body.marker.base, "state": RemoteState.SKIPPED.value}
        new_body = m.build_body(
            body.description or "", body.details, replace(body.marker, base=base), body
        )
        closes.append(CloseRemoved(marker_key, remote.number, remote.title, comment, new_body))
    return closes
