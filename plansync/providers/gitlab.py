"""GitLab through python-gitlab: translate plansync's records to API calls and back.

GitLab has no close reason, so "closed as not planned" is the label `closed: not planned`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import gitlab
import requests
from gitlab.exceptions import GitlabError
from gitlab.v4.objects import Project, ProjectIssue

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.errors import ProviderError

NOT_PLANNED = "closed: not planned"
# The GitHub provider's colours (copied, not imported: importing it would load PyGithub).
LABEL_COLORS = {"priority: ": "d93f0b", "effort: ": "c5def5", "kind: ": "fbca04"}
DEFAULT_COLOR = "0e8a16"
# python-gitlab is the layer that waits out a 429 (it sleeps for Retry-After); it never retries
# a 5xx or a dropped connection, because a create whose answer was lost must be looked up, not
# repeated. Transient failures are plansync's to retry.
RETRY: dict[str, Any] = {
    "obey_rate_limit": True,
    "max_retries": 10,
    "retry_transient_errors": False,
}
PAGE: dict[str, Any] = {"get_all": True, "per_page": 100}


class GitLabProvider:
    """One project, addressed by path. Writes go straight to the object's URL (no read first)."""

    def __init__(
        self,
        base_url: str,
        repo: str,
        token: str,
        write_interval: float = 1.0,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = gitlab.Gitlab(
            url=base_url, private_token=token, retry_transient_errors=False
        )
        self._path = repo
        self._project: Project = self._client.projects.get(repo, lazy=True)
        self._project_id: int | str = repo  # the numeric id once an issue has shown it
        self._interval = write_interval
        self._sleep = sleep
        self._clock = clock
        self._last_write: float | None = None
        self._not_planned: dict[int, bool] = {}  # iid -> carries NOT_PLANNED, as last seen
        self._user_ids: dict[str, int | None] = {}
        self._blocking_links = True  # until the tier refuses one

    def snapshot(self, label: str) -> Snapshot:
        with _errors("list issues", self._path):
            issues = self._project.issues.list(labels=[label], state="all", **PAGE, **RETRY)
        with _errors("list milestones", self._path):
            milestones = self._project.milestones.list(**PAGE, **RETRY)
        with _errors("list labels", self._path):
            labels = self._project.labels.list(**PAGE, **RETRY)
        return Snapshot(
            issues=tuple(self._remember(issue.attributes) for issue in issues),
            milestones=tuple(_milestone(ms.attributes) for ms in milestones),
            labels=tuple(str(lab.name) for lab in labels),
        )

    def issue(self, number: int) -> RemoteIssue | None:
        try:
            found = self._project.issues.get(number, **RETRY)
        except GitlabError as error:
            if error.response_code == 404 and not _names_project(error):
                return None
            raise _provider_error("read an issue", self._path, error) from None
        return self._remember(found.attributes)

    def create_label(self, name: str) -> None:
        color = next((c for p, c in LABEL_COLORS.items() if name.startswith(p)), DEFAULT_COLOR)
        self._pace()
        with _errors("create a label", self._path, ok_if_exists=True):
            self._project.labels.create({"name": name, "color": f"#{color}"}, **RETRY)

    def create_milestone(
        self, title: str, description: str, due_on: str | None = None
    ) -> RemoteMilestone:
        self._pace()
        with _errors("create a milestone", self._path):
            created = self._project.milestones.create(
                _milestone_fields(title, description, due_on), **RETRY
            )
        return _milestone(created.attributes)

    def update_milestone(
        self, number: int, title: str, description: str, due_on: str | None = None
    ) -> None:
        self._pace()
        with _errors("update a milestone", self._path):
            self._project.milestones.update(
                number, _milestone_fields(title, description, due_on), **RETRY
            )

    def create_issue(
        self,
        title: str,
        body: str,
        labels: tuple[str, ...],
        milestone: int | None,
        assignees: tuple[str, ...],
    ) -> RemoteIssue:
        fields: dict[str, Any] = {"title": title, "description": body, "labels": ",".join(labels)}
        if milestone is not None:
            fields["milestone_id"] = milestone
        if assignees:
            fields["assignee_ids"] = self._user_ids_of(assignees)
        self._pace()
        with _errors("create an issue", self._path):
            created = self._project.issues.create(fields, **RETRY)
        return self._remember(created.attributes)

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
        """Everything in one PUT: GitLab takes state, labels and the rest together."""
        fields: dict[str, Any] = {}
        if title is not None:
            fields["title"] = title
        if body is not None:
            fields["description"] = body
        if state is not None:
            fields["state_event"] = "reopen" if state is RemoteState.OPEN else "close"
        fields.update(self._label_fields(number, state, labels))
        if milestone is not None:
            fields["milestone_id"] = milestone
        if assignees is not None:
            fields["assignee_ids"] = self._user_ids_of(assignees)
        self._pace()
        with _errors("update an issue", self._path):
            updated = self._project.issues.update(number, fields, **RETRY)
        return self._remember(updated)

    def comment(self, number: int, text: str) -> None:
        self._pace()
        with _errors("comment on an issue", self._path):
            self._issue_handle(number).notes.create({"body": text}, **RETRY)

    def add_sub_issue(self, parent: RemoteIssue, child: RemoteIssue) -> None:
        """GitLab Free has no sub-issues over REST: the parent "relates to" the child instead."""
        with _errors("link a sub-issue", self._path, ok_if_exists=True):
            self._link(parent.number, child.number, "relates_to")

    def add_blocked_by(self, issue: RemoteIssue, blocker: RemoteIssue) -> None:
        """`is_blocked_by` needs Premium; on Free the issues are linked as `relates_to`.

        Nothing is lost on Free: the engine also writes "Depends on" in the body's details.
        """
        with _errors("add a blocked-by link", self._path, ok_if_exists=True):
            if self._blocking_links:
                try:
                    self._link(issue.number, blocker.number, "is_blocked_by")
                    return
                except GitlabError as error:
                    if not _tier_refused(error):
                        raise
                    self._blocking_links = False  # the tier will not change during a sync
            self._link(issue.number, blocker.number, "relates_to")

    def _link(self, source: int, target: int, kind: str) -> None:
        self._pace()
        link = {
            "target_project_id": self._project_id,
            "target_issue_iid": target,
            "link_type": kind,
        }
        self._issue_handle(source).links.create(link, **RETRY)

    def _issue_handle(self, number: int) -> ProjectIssue:
        # lazy: the handle only builds URLs for notes and links, it needs no read.
        return self._project.issues.get(number, lazy=True)

    def _label_fields(
        self, number: int, state: RemoteState | None, labels: tuple[str, ...] | None
    ) -> dict[str, str]:
        """The label parameters that set `labels` and keep NOT_PLANNED in step with `state`."""
        if labels is None:
            if state is None:
                return {}
            verb = "add_labels" if state is RemoteState.SKIPPED else "remove_labels"
            return {verb: NOT_PLANNED}
        # `labels` replaces them all, so NOT_PLANNED goes back in unless the state drops it.
        skipped = state is RemoteState.SKIPPED
        keep = self._carries_not_planned(number) if state is None else skipped
        names = [name for name in labels if not _is_not_planned(name)]
        return {"labels": ",".join([*names, NOT_PLANNED] if keep else names)}

    def _carries_not_planned(self, number: int) -> bool:
        if number not in self._not_planned:
            self.issue(number)  # only for an issue this provider has not seen yet
        return self._not_planned.get(number, False)

    def _user_ids_of(self, usernames: tuple[str, ...]) -> list[int]:
        """Ids for the usernames GitLab knows; an unknown one is left out, not an error."""
        ids = (self._user_id(name) for name in usernames)
        return [user_id for user_id in ids if user_id is not None]

    def _user_id(self, username: str) -> int | None:
        if username not in self._user_ids:
            with _errors("look up a user", self._path):
                found = self._client.users.list(username=username, get_all=False, **RETRY)
            matches = [u.id for u in found if str(u.username).lower() == username.lower()]
            self._user_ids[username] = int(matches[0]) if matches else None
        return self._user_ids[username]

    def _remember(self, data: dict[str, Any]) -> RemoteIssue:
        self._project_id = data.get("project_id") or self._project_id
        self._not_planned[int(data["iid"])] = any(
            _is_not_planned(n) for n in data.get("labels") or ()
        )
        return _issue(data)

    def _pace(self) -> None:
        """Leave `write_interval` seconds between writes, as GitLab.com asks of bulk clients."""
        if self._interval and self._last_write is not None:
            wait = self._last_write + self._interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_write = self._clock()


def _is_not_planned(label: str) -> bool:
    return label.strip().lower() == NOT_PLANNED


def _issue(data: dict[str, Any]) -> RemoteIssue:
    labels = tuple(str(name) for name in data.get("labels") or ())
    if data["state"] == "opened":
        state = RemoteState.OPEN
    else:
        skipped = any(_is_not_planned(name) for name in labels)
        state = RemoteState.SKIPPED if skipped else RemoteState.DONE
    milestone = data.get("milestone")
    return RemoteIssue(
        number=int(data["iid"]),
        id=int(data["id"]),
        title=data.get("title") or "",
        body=data.get("description") or "",
        state=state,
        # NOT_PLANNED stands for the state; left in, the engine would try to remove it.
        labels=tuple(name for name in labels if not _is_not_planned(name)),
        milestone=int(milestone["id"]) if milestone else None,
        assignees=tuple(str(user["username"]) for user in data.get("assignees") or ()),
        url=data.get("web_url") or "",
    )


def _milestone_fields(title: str, description: str, due_on: str | None) -> dict[str, str]:
    # No due date means "leave it", as in the GitHub provider: the plan may not name one.
    fields = {"title": title, "description": description}
    return fields | {"due_date": due_on} if due_on else fields


def _milestone(data: dict[str, Any]) -> RemoteMilestone:
    return RemoteMilestone(
        number=int(data["id"]),
        title=data.get("title") or "",
        description=data.get("description") or "",
        due_on=data.get("due_date"),
        open=data.get("state") == "active",
    )


class _errors:
    """Turn python-gitlab's exceptions into one clear ProviderError (never showing a token)."""

    def __init__(self, doing: str, path: str, ok_if_exists: bool = False) -> None:
        self.doing = doing
        self.path = path
        self.ok_if_exists = ok_if_exists

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> bool:
        if isinstance(error, requests.RequestException):
            raise ProviderError(
                f"cannot reach GitLab to {self.doing}: {type(error).__name__}",
                "check --base-url and the network",
            ) from None
        if not isinstance(error, GitlabError):
            return False
        if self.ok_if_exists and error.response_code == 409 and _already_exists(error):
            return True
        raise _provider_error(self.doing, self.path, error) from None


def _message(error: GitlabError) -> str:
    return str(error.error_message or "").strip()


def _already_exists(error: GitlabError) -> bool:
    text = _message(error).lower()
    return "already" in text


def _names_project(error: GitlabError) -> bool:
    return "project" in _message(error).lower()


def _tier_refused(error: GitlabError) -> bool:
    """GitLab's answer when the tier has no blocking links (403 on Free, 400/404 on some)."""
    text = _message(error).lower()
    return error.response_code in (400, 403, 404) and ("licen" in text or "block" in text)


def _provider_error(doing: str, path: str, error: GitlabError) -> ProviderError:
    code = error.response_code
    if code == 401:
        return ProviderError(
            "GitLab refused the token (401)",
            "check that the token is valid, not expired, and has the api scope",
        )
    if code == 403:
        return ProviderError(
            f"GitLab could not {doing}: forbidden (403) {_message(error)}".rstrip(),
            f"check that the token's user may edit issues in {path}",
        )
    if code == 404:
        return ProviderError(
            f"GitLab could not {doing}: not found (404)",
            f"check the project path {path!r} (group/project) and that the token can see it",
        )
    return ProviderError(f"GitLab could not {doing}: {code} {_message(error)}".rstrip())
