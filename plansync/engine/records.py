"""What plansync sees on the service: provider-neutral records of issues and milestones."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property


class RemoteState(enum.Enum):
    """An issue's state in the terms both sides share."""

    OPEN = "open"
    DONE = "done"  # closed as completed
    SKIPPED = "skipped"  # closed as not planned


@dataclass(frozen=True)
class RemoteIssue:
    number: int  # GitHub number, GitLab iid
    id: int  # the service-wide id (GitHub relations need it)
    title: str
    body: str
    state: RemoteState
    labels: tuple[str, ...] = ()
    milestone: int | None = None  # milestone number (GitHub) or id (GitLab)
    assignees: tuple[str, ...] = ()
    url: str = ""
    author: str = ""  # the login that opened it: a marker alone is trusted only from some
    created_at: str = ""  # ISO 8601, as the service gives it


@dataclass(frozen=True)
class RemoteMilestone:
    number: int
    title: str
    description: str
    due_on: str | None = None  # YYYY-MM-DD
    open: bool = True


@dataclass(frozen=True)
class Snapshot:
    """Everything one sync reads from the service, listed once per kind."""

    issues: tuple[RemoteIssue, ...]
    milestones: tuple[RemoteMilestone, ...]
    labels: tuple[str, ...]

    @cached_property
    def _by_number(self) -> dict[int, RemoteIssue]:
        return {issue.number: issue for issue in self.issues}

    def issue(self, number: int) -> RemoteIssue | None:
        return self._by_number.get(number)
