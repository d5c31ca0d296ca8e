"""The contract every provider keeps, and the one way a file is written or proposed when an
answer may be lost (`write_or_find`, `propose`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.errors import ProviderError
from plansync.transport.errors import OutcomeUnknown


class FileConflict(ProviderError):
    """A file write named a version (sha / last commit id) that is no longer the file's:
    someone else wrote it first. Re-read the file and try again; never overwrite blindly."""


@dataclass(frozen=True)
class Proposal:
    """An open pull request (GitHub) or merge request (GitLab) from a head branch."""

    number: int  # the pull request's number, the merge request's iid
    url: str  # its web address
    body: str  # its description


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

    def read_version(self, path: str, version: str) -> str | None:
        """The text `path` had at `version` (a version `read_file` returned), None if unknown."""
        ...

    def find_proposal(self, head_branch: str, base_branch: str | None = None) -> Proposal | None:
        """The open pull / merge request from `head_branch` (into `base_branch`, None: the
        default branch), if there is one."""
        ...

    def propose_file(
        self,
        path: str,
        text: str,
        base_branch: str | None,
        head_branch: str,
        title: str,
        body: str,
        message: str = "",
    ) -> str:
        """Propose `text` as `path` from `head_branch` into `base_branch` (None: the default);
        returns the pull / merge request's URL. Idempotent: the branch and the open request are
        reused; the branch of a request no longer open starts again from the base branch."""
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


class Proposer(Protocol):
    """What `propose` needs from a provider: branches and pull / merge requests, translated."""

    def default_branch(self) -> str: ...

    def branch_head(self, branch: str) -> str | None:
        """The commit sha the branch points at; None when there is no such branch."""
        ...

    def create_branch(self, branch: str, sha: str) -> None:
        """Make the branch at `sha`; a branch that exists already is not an error."""
        ...

    def reset_branch(self, branch: str, sha: str) -> None:
        """Point an existing branch at `sha`, whatever it held."""
        ...

    def open_request(self, head: str, base: str) -> Proposal | None: ...

    def create_request(self, head: str, base: str, title: str, body: str) -> Proposal | None:
        """Open one; None when the service says one is open already for `head`."""
        ...

    def update_body(self, number: int, body: str) -> None: ...

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None: ...

    def write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class Change:
    """One proposal: `text` as `path`, from branch `head` into `base`."""

    path: str
    text: str
    base: str | None
    head: str
    title: str
    body: str
    message: str


def propose(service: Proposer, change: Change, attempts: int = 3) -> Proposal:
    """Create or reuse the head branch, write the file on it, open or reuse the request.

    A create whose answer was lost is looked up before it is sent again, as `write_or_find`
    does for files: the branch by its name, the request by its head branch.
    """
    base = change.base or service.default_branch()
    found = service.open_request(change.head, base)
    if found is None:
        _fresh_branch(service, base, change.head)
    current = service.read_file(change.path, change.head)
    if current is None or current[0] != change.text:
        version = current[1] if current else None
        service.write_file(change.path, change.text, version, change.message, change.head)
    for attempt in range(1, attempts + 1):
        if found is not None:
            if found.body != change.body:
                service.update_body(found.number, change.body)
            return Proposal(found.number, found.url, change.body)
        try:
            found = service.create_request(change.head, base, change.title, change.body)
        except OutcomeUnknown:
            if attempt == attempts:
                raise
        found = found or service.open_request(change.head, base)
    raise ProviderError(f"could not open a request to merge {change.head} into {base}")


def _fresh_branch(service: Proposer, base: str, head: str) -> None:
    """`head` at the base branch's commit: made, or moved there when a request is no longer
    open on it (a merged or closed proposal leaves a branch whose history is stale)."""
    base_sha = service.branch_head(base)
    if base_sha is None:
        raise ProviderError(f"the branch {base} does not exist", "check the branch setting")
    existing = service.branch_head(head)
    if existing is None:
        try:
            service.create_branch(head, base_sha)
        except OutcomeUnknown:
            if service.branch_head(head) is None:
                service.create_branch(head, base_sha)
    elif existing != base_sha:
        service.reset_branch(head, base_sha)
