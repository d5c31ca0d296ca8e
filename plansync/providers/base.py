"""The contract every provider keeps, and the registry of providers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.errors import ProviderError
from plansync.transport.errors import OutcomeUnknown


class FileConflict(ProviderError):
    """A file write named a version (sha / last commit id) that is no longer the file's:
    someone else wrote it first. Re-read the file and try again; never overwrite blindly."""


class Provider(Protocol):
    """One repository or project on a service. Every call is one logical API operation.

    Listing happens once per sync (`snapshot`); writes name issues by number and
    milestones by number. Relations that already exist are not an error. Every request goes
    through the transport the provider was built with (plansync.transport).
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

    def account(self) -> str:
        """The login the token acts as (read once, then cached)."""
        ...

    def issues_since(self, label: str, since_iso: str) -> tuple[RemoteIssue, ...]:
        """Issues carrying `label` (open and closed) updated at or after `since_iso`, from the
        plain listing (not the search API, which lags behind writes)."""
        ...

    def find_milestone_by_title(self, title: str) -> RemoteMilestone | None:
        """The milestone with exactly this title, open or closed (titles are unique)."""
        ...

    def close_duplicate(self, number: int, of: RemoteIssue, comment: str) -> None:
        """Comment on issue `number`, then close it as a duplicate of `of`."""
        ...

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None:
        """The file's text and version (GitHub blob sha, GitLab last commit id); None if absent.
        `ref` None means the default branch."""
        ...

    def write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str:
        """Create (`sha` None) or replace the file, returning its new version. Raises
        FileConflict when `sha` is not the file's current version."""
        ...


def write_or_find(
    write: Callable[[], str],
    read: Callable[[], tuple[str, str] | None],
    text: str,
    attempts: int = 3,
) -> str:
    """A file write whose answer may be lost. After a conflict or an unknown outcome the
    file is read: if it holds `text` (our write landed, and a retry met it) its version is
    the answer; after an unknown outcome that did not land, the write is tried again (it
    names the version it replaces, so it can never overwrite someone else's)."""
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except (FileConflict, OutcomeUnknown) as error:
            found = read()
            if found is not None and found[0] == text:
                return found[1]
            if isinstance(error, FileConflict) or attempt == attempts:
                raise
    raise AssertionError("unreachable")
