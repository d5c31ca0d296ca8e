"""The contract every provider keeps, and the registry of providers."""

from __future__ import annotations

from typing import Protocol

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot


class Provider(Protocol):
    """One repository or project on a service. Every call is one logical API operation.

    Listing happens once per sync (`snapshot`); writes name issues by number and
    milestones by number. Relations that already exist are not an error.
    """

    def snapshot(self, label: str) -> Snapshot:
        """All issues carrying `label` (open and closed), all milestones, all labels."""
        ...

    def issue(self, number: int) -> RemoteIssue | None:
        """One issue by number (for a plan line that names an issue the listing missed)."""
        ...

    def create_label(self, name: str) -> None: ...

    def create_milestone(
        self, title: str, description: str, due_on: str | None = None
    ) -> RemoteMilestone:
        """`due_on` is YYYY-MM-DD or None (no due date)."""
        ...

    def update_milestone(
        self, number: int, title: str, description: str, due_on: str | None = None
    ) -> None: ...

    def create_issue(
        self,
        title: str,
        body: str,
        labels: tuple[str, ...],
        milestone: int | None,
        assignees: tuple[str, ...],
    ) -> RemoteIssue: ...

    def update_issue(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: RemoteState | None = None,
        labels: tuple[str, ...] | None = None,
        milestone: int | None = None,
        assignees: tuple[str, ...] | None = None,
    ) -> RemoteIssue: ...

    def comment(self, number: int, text: str) -> None: ...

    def add_sub_issue(self, parent: RemoteIssue, child: RemoteIssue) -> None: ...

    def add_blocked_by(self, issue: RemoteIssue, blocker: RemoteIssue) -> None: ...
