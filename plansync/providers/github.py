"""GitHub through PyGithub: translate plansync's records to API calls and back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException
from github.ContentFile import ContentFile
from github.Issue import Issue
from github.Milestone import Milestone

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.errors import ProviderError
from plansync.providers import github_json as gj
from plansync.providers.base import Change, FileConflict, Proposal, propose, write_or_find
from plansync.providers.github_proposals import GitHubProposals
from plansync.transport import Transport, mount_pygithub

T = TypeVar("T")
LABEL_COLORS = {"priority: ": "d93f0b", "effort: ": "c5def5", "kind: ": "fbca04"}
DEFAULT_COLOR = "0e8a16"


class GitHubProvider:
    """One repository. Keeps the PyGithub objects it has seen so writes need no extra reads."""

    def __init__(self, base_url: str, repo: str, token: str, transport: Transport) -> None:
        # PyGithub's own retries and pauses are off: the transport is the one layer that
        # retries, waits and paces (a lost POST must be looked up, never blindly repeated).
        self._client = Github(
            base_url=base_url,
            lazy=True,  # no request until data is needed: writes need no reads first
            auth=Auth.Token(token),
            per_page=gj.PER_PAGE,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        mount_pygithub(self._client, transport)
        self._repo = self._client.get_repo(repo)
        self._owner = repo.partition("/")[0]
        self._issues: dict[int, Issue] = {}
        self._milestones: dict[int, Milestone] = {}
        # Listings are kept as JSON; a PyGithub object is built only to write (github_json).
        self._listed_issues: dict[int, dict[str, Any]] = {}
        self._account: str | None = None

    def snapshot(self, label: str) -> Snapshot:
        with _errors("list issues"):
            issues = self._list_issues({"state": "all", "labels": label})
            milestones = list(self._repo.get_milestones(state="all"))
            labels = [str(lab["name"]) for lab in self._list("labels", {})]
        self._milestones.update({ms.number: ms for ms in milestones})
        return Snapshot(
            issues=tuple(gj.remote_issue(i) for i in issues),
            milestones=tuple(_milestone(ms) for ms in milestones),
            labels=tuple(labels),
        )

    def _list(self, what: str, parameters: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return gj.pages(self._client.requester, f"{self._repo.url}/{what}", parameters)

    def _list_issues(self, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        issues = [i for i in self._list("issues", parameters) if not gj.is_pull_request(i)]
        for issue in issues:
            self._issues.pop(issue["number"], None)  # the listing is newer
            self._listed_issues[issue["number"]] = issue
        return issues

    def issue(self, number: int) -> RemoteIssue | None:
        try:
            with _errors("read an issue", absent_ok=True):
                found = self._repo.get_issue(number)
                pull_request = _is_pull_request(found)  # the first attribute read fetches it
        except _Absent:
            return None
        if pull_request:
            return None
        self._issues[number] = found
        return _issue(found)

    def create_label(self, name: str) -> None:
        color = next((c for p, c in LABEL_COLORS.items() if name.startswith(p)), DEFAULT_COLOR)
        with _errors("create a label", ok_if_exists=True):
            self._repo.create_label(name, color)

    def create_milestone(
        self, title: str, description: str, due_on: str | None = None
    ) -> RemoteMilestone:
        extra: dict[str, Any] = {"due_on": date.fromisoformat(due_on)} if due_on else {}
        with _errors("create a milestone"):
            created = self._repo.create_milestone(title, description=description, **extra)
        self._milestones[created.number] = created
        return _milestone(created)

    def update_milestone(
        self, number: int, title: str, description: str, due_on: str | None = None
    ) -> None:
        extra: dict[str, Any] = {"due_on": date.fromisoformat(due_on)} if due_on else {}
        with _errors("update a milestone"):
            self._milestone_object(number).edit(title, description=description, **extra)

    def create_issue(
        self,
        title: str,
        body: str,
        labels: tuple[str, ...],
        milestone: int | None,
        assignees: tuple[str, ...],
    ) -> RemoteIssue:
        arguments: dict[str, Any] = {"title": title, "body": body, "labels": list(labels)}
        if milestone is not None:
            arguments["milestone"] = self._milestone_object(milestone)
        if assignees:
            arguments["assignees"] = list(assignees)
        with _errors("create an issue"):
            created = self._without_refused_assignees(self._repo.create_issue, arguments)
        self._issues[created.number] = created
        return _issue(created)

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
    ) -> RemoteIssue:
        arguments: dict[str, Any] = {}
        if title is not None:
            arguments["title"] = title
        if body is not None:
            arguments["body"] = body
        if state is not None:
            arguments["state"] = "open" if state is RemoteState.OPEN else "closed"
            arguments["state_reason"] = {
                RemoteState.OPEN: "reopened",
                RemoteState.DONE: "completed",
                RemoteState.SKIPPED: "not_planned",
            }[state]
        if labels is not None:
            arguments["labels"] = list(labels)
        if milestone is not None:
            arguments["milestone"] = self._milestone_object(milestone)
        if assignees is not None:
            arguments["assignees"] = list(assignees)
        issue = self._issue_object(number)
        with _errors("update an issue"):
            self._without_refused_assignees(issue.edit, arguments)
        return _issue(issue)

    def comment(self, number: int, text: str) -> None:
        with _errors("comment on an issue"):
            self._issue_object(number).create_comment(text)

    def add_sub_issue(self, parent: RemoteIssue, child: RemoteIssue) -> None:
        with _errors("add a sub-issue", ok_if_exists=True):
            self._issue_object(parent.number).add_sub_issue(child.id)

    def add_blocked_by(self, issue: RemoteIssue, blocker: RemoteIssue) -> None:
        with _errors("add a blocked-by relation", ok_if_exists=True):
            self._issue_object(issue.number).add_blocked_by(self._issue_object(blocker.number))

    def account(self) -> str:
        if self._account is None:
            with _errors("read the token's user"):
                self._account = str(self._client.get_user().login or "")
        return self._account or ""

    def issues_since(self, label: str, since_iso: str) -> tuple[RemoteIssue, ...]:
        since = datetime.fromisoformat(since_iso.replace("Z", "+00:00"))
        moment = since.strftime("%Y-%m-%dT%H:%M:%SZ")  # as PyGithub sends it
        with _errors("list recent issues"):
            issues = self._list_issues({"state": "all", "labels": label, "since": moment})
        return tuple(gj.remote_issue(issue) for issue in issues)

    def find_milestone_by_title(self, title: str) -> RemoteMilestone | None:
        with _errors("list milestones"):
            found = [m for m in self._repo.get_milestones(state="all") if m.title == title]
        self._milestones.update({ms.number: ms for ms in found})
        return _milestone(found[0]) if found else None

    def close_duplicate(self, number: int, of: RemoteIssue, comment: str) -> None:
        issue = self._issue_object(number)
        with _errors("comment on a duplicate issue"):
            issue.create_comment(comment)
        with _errors("close a duplicate issue"):
            issue.edit(state="closed", state_reason="duplicate")

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None:
        extra: dict[str, Any] = {"ref": ref} if ref else {}
        try:
            with _errors(f"read {path}", absent_ok=True):
                found = self._repo.get_contents(path, **extra)
        except _Absent:
            return None
        if not isinstance(found, ContentFile) or found.type != "file":
            raise ProviderError(f"GitHub could not read {path}: it is not a file")
        try:
            return found.decoded_content.decode("utf-8"), found.sha
        except UnicodeDecodeError:
            raise ProviderError(f"GitHub could not read {path}: it is not UTF-8 text") from None

    def write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str:
        return write_or_find(
            lambda: self._write_file(path, text, sha, message, branch),
            lambda: self.read_file(path, branch),
            text,
        )

    def _write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str:
        extra: dict[str, Any] = {"branch": branch} if branch else {}
        with _errors(f"write {path}", file=path):
            if sha:
                written = self._repo.update_file(path, message, text, sha, **extra)
            else:
                written = self._repo.create_file(path, message, text, **extra)
        content = written["content"]
        assert isinstance(content, ContentFile)
        return content.sha

    def read_version(self, path: str, version: str) -> str | None:
        return self._proposals().read_version(version)  # GitHub's version is the blob sha

    def find_proposal(self, head_branch: str, base_branch: str | None = None) -> Proposal | None:
        proposals = self._proposals()
        return proposals.open_request(head_branch, base_branch or proposals.default_branch())

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
        change = Change(path, text, base_branch, head_branch, title, body, message or title)
        return propose(self._proposals(), change).url

    def _proposals(self) -> GitHubProposals:
        return GitHubProposals(self._repo, self._owner, _errors, self.read_file, self.write_file)

    @staticmethod
    def _without_refused_assignees(call: Callable[..., T], arguments: dict[str, Any]) -> T:
        """GitHub refuses (422) an assignee it does not know or who cannot be assigned: the
        task's owner may have no account. The write goes ahead without assignees."""
        try:
            return call(**arguments)
        except GithubException as error:
            if error.status != 422 or "assignees" not in arguments or not _names_assignees(error):
                raise
            return call(**{k: v for k, v in arguments.items() if k != "assignees"})

    def _issue_object(self, number: int) -> Issue:
        if number not in self._issues:
            listed = self._listed_issues.pop(number, None)
            self._issues[number] = (
                Issue(self._client.requester, {}, listed)  # as PyGithub's listing makes it
                if listed is not None
                else self._repo.get_issue(number)
            )
        return self._issues[number]

    def _milestone_object(self, number: int) -> Milestone:
        if number not in self._milestones:
            self._milestones[number] = self._repo.get_milestone(number)
        return self._milestones[number]


def _names_assignees(error: GithubException) -> bool:
    data = error.data if isinstance(error.data, dict) else {}
    return any(
        isinstance(e, dict) and e.get("field") == "assignees" for e in data.get("errors") or ()
    )


def _is_pull_request(issue: Issue) -> bool:
    # Not `issue.pull_request`: the listing omits that key for plain issues, and PyGithub
    # would fetch every issue again to look for it.
    return "/pull/" in (issue.html_url or "")


def _issue(issue: Issue) -> RemoteIssue:
    if issue.state == "open":
        state = RemoteState.OPEN
    else:
        state = RemoteState.SKIPPED if issue.state_reason == "not_planned" else RemoteState.DONE
    return RemoteIssue(
        number=issue.number,
        id=issue.id,
        title=issue.title or "",
        body=issue.body or "",
        state=state,
        labels=tuple(label.name for label in issue.labels),
        milestone=issue.milestone.number if issue.milestone else None,
        assignees=tuple(user.login for user in issue.assignees),
        url=issue.html_url or "",
        author=issue.user.login if issue.user else "",
        created_at=gj.iso(issue.created_at),
    )


def _milestone(milestone: Milestone) -> RemoteMilestone:
    due = milestone.due_on.date().isoformat() if milestone.due_on else None
    return RemoteMilestone(
        number=milestone.number,
        title=milestone.title,
        description=milestone.description or "",
        due_on=due,
        open=milestone.state == "open",
    )


class _Absent(Exception):
    """The object is not there (404/410): the caller answers None."""


class _errors:
    """Turn PyGithub's exceptions into one clear ProviderError (never showing a token)."""

    def __init__(
        self,
        doing: str,
        ok_if_exists: bool = False,
        absent_ok: bool = False,
        file: str | None = None,
    ) -> None:
        self.doing = doing
        self.ok_if_exists = ok_if_exists
        self.absent_ok = absent_ok
        self.file = file

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> bool:
        if isinstance(error, requests.RequestException):
            raise ProviderError(
                f"cannot reach GitHub to {self.doing}: {type(error).__name__}",
                "check --base-url and the network",
            ) from None
        if isinstance(error, json.JSONDecodeError):
            raise ProviderError(
                f"GitHub sent an answer plansync cannot read when trying to {self.doing}",
                "try again later; if it persists, check --base-url and any proxy",
            ) from None
        if not isinstance(error, GithubException):
            return False
        if self.ok_if_exists and error.status == 422 and _already_exists(error):
            return True
        if self.absent_ok and error.status in (404, 410):
            raise _Absent from None
        if self.file is not None and _stale(error):
            raise FileConflict(
                f"{self.file} changed on GitHub since it was read", "read it again and retry"
            ) from None
        raise _provider_error(self.doing, error) from None


def _stale(error: GithubException) -> bool:
    """409 "does not match <sha>", or 422 "sha wasn't supplied" (the file exists already)."""
    return error.status == 409 or (error.status == 422 and "sha" in str(error.data).lower())


def _already_exists(error: GithubException) -> bool:
    text = str(error.data).lower()
    return "already" in text or "duplicate" in text  # already exists, already belongs...


def _provider_error(doing: str, error: GithubException) -> ProviderError:
    message = error.data.get("message") if isinstance(error.data, dict) else None
    if error.status == 401:
        return ProviderError(
            "GitHub refused the token (401 Bad credentials)",
            "check that the token is valid and has access to the repository",
        )
    if error.status == 404:
        return ProviderError(
            f"GitHub could not {doing}: not found (404)",
            "check the repository name and that the token can see it",
        )
    return ProviderError(f"GitHub could not {doing}: {error.status} {message or ''}".rstrip())
