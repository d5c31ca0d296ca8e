"""GitLab through python-gitlab: translate plansync's records to API calls and back.

GitLab has no close reason, so "closed as not planned" is the label `closed: not planned`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import gitlab
from gitlab.exceptions import GitlabError
from gitlab.v4.objects import Project, ProjectIssue

from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.errors import ProviderError
from plansync.providers.base import Change, FileConflict, Proposal, propose, write_or_find
from plansync.providers.gitlab_errors import (
    Absent,
    errors,
    names_project,
    provider_error,
    tier_refused,
)
from plansync.providers.gitlab_proposals import GitLabProposals
from plansync.transport import Transport, session_for

NOT_PLANNED = "closed: not planned"
# The GitHub provider's colours (copied, not imported: importing it would load PyGithub).
LABEL_COLORS = {"priority: ": "d93f0b", "effort: ": "c5def5", "kind: ": "fbca04"}
DEFAULT_COLOR = "0e8a16"
# python-gitlab retries and waits nothing (passed on every call): the transport under its
# session is the one layer that retries, waits out 429s and paces writes.
RETRY: dict[str, Any] = {
    "obey_rate_limit": False,
    "max_retries": 0,
    "retry_transient_errors": False,
}
PAGE: dict[str, Any] = {"get_all": True, "per_page": 100}


class GitLabProvider:
    """One project, addressed by path. Writes go straight to the object's URL (no read first)."""

    def __init__(self, base_url: str, repo: str, token: str, transport: Transport) -> None:
        self._client = gitlab.Gitlab(
            url=base_url,
            private_token=token,
            retry_transient_errors=False,
            session=session_for(transport),
        )
        self._path = repo
        self._project: Project = self._client.projects.get(repo, lazy=True)
        self._project_id: int | str = repo  # the numeric id once an issue has shown it
        self._account: str | None = None
        self._default_branch: str | None = None
        self._not_planned: dict[int, bool] = {}  # iid -> carries NOT_PLANNED, as last seen
        self._user_ids: dict[str, int | None] = {}
        self._blocking_links = True  # until the tier refuses one

    def snapshot(self, label: str) -> Snapshot:
        with errors("list issues", self._path):
            issues = self._list_issues(labels=label, state="all")
        with errors("list milestones", self._path):
            milestones = self._project.milestones.list(**PAGE, **RETRY)
        with errors("list labels", self._path):
            labels = self._project.labels.list(**PAGE, **RETRY)
        return Snapshot(
            issues=tuple(self._remember(issue) for issue in issues),
            milestones=tuple(_milestone(ms.attributes) for ms in milestones),
            labels=tuple(str(lab.name) for lab in labels),
        )

    def issue(self, number: int) -> RemoteIssue | None:
        try:
            found = self._project.issues.get(number, **RETRY)
        except GitlabError as error:
            if error.response_code == 404 and not names_project(error):
                return None
            raise provider_error("read an issue", self._path, error) from None
        return self._remember(found.attributes)

    def create_label(self, name: str) -> None:
        color = next((c for p, c in LABEL_COLORS.items() if name.startswith(p)), DEFAULT_COLOR)
        with errors("create a label", self._path, ok_if_exists=True):
            self._project.labels.create({"name": name, "color": f"#{color}"}, **RETRY)

    def create_milestone(
        self, title: str, description: str, due_on: str | None = None
    ) -> RemoteMilestone:
        with errors("create a milestone", self._path):
            created = self._project.milestones.create(
                _milestone_fields(title, description, due_on), **RETRY
            )
        return _milestone(created.attributes)

    def update_milestone(
        self, number: int, title: str, description: str, due_on: str | None = None
    ) -> None:
        with errors("update a milestone", self._path):
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
        with errors("create an issue", self._path):
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
        with errors("update an issue", self._path):
            updated = self._project.issues.update(number, fields, **RETRY)
        return self._remember(updated)

    def comment(self, number: int, text: str) -> None:
        with errors("comment on an issue", self._path):
            self._issue_handle(number).notes.create({"body": text}, **RETRY)

    def add_sub_issue(self, parent: RemoteIssue, child: RemoteIssue) -> None:
        """GitLab Free has no sub-issues over REST: the parent "relates to" the child instead."""
        with errors("link a sub-issue", self._path, ok_if_exists=True):
            self._link(parent.number, child.number, "relates_to")

    def add_blocked_by(self, issue: RemoteIssue, blocker: RemoteIssue) -> None:
        """`is_blocked_by` needs Premium; on Free the issues are linked as `relates_to`.

        Nothing is lost on Free: the engine also writes "Depends on" in the body's details.
        """
        with errors("add a blocked-by link", self._path, ok_if_exists=True):
            if self._blocking_links:
                try:
                    self._link(issue.number, blocker.number, "is_blocked_by")
                    return
                except GitlabError as error:
                    if not tier_refused(error):
                        raise
                    self._blocking_links = False  # the tier will not change during a sync
            self._link(issue.number, blocker.number, "relates_to")

    def account(self) -> str:
        if self._account is None:
            with errors("read the token's user", self._path):
                user = self._client.http_get("/user", **RETRY)
            self._account = str(user.get("username") or "") if isinstance(user, dict) else ""
        return self._account or ""

    def issues_since(self, label: str, since_iso: str) -> tuple[RemoteIssue, ...]:
        with errors("list recent issues", self._path):
            issues = self._list_issues(labels=label, state="all", updated_after=since_iso)
        return tuple(self._remember(issue) for issue in issues)

    def _list_issues(self, **query: Any) -> list[dict[str, Any]]:
        """The issues as JSON, asked for as `issues.list` asks (the same URL, so cached ETags
        match): an object per issue, and a deep copy of each for `.attributes`, were a third
        of a 5,000-issue no-op re-sync's CPU. `labels` is one label (no list to join)."""
        manager = self._project.issues
        listed = manager.gitlab.http_list(manager.path, **query, **PAGE, **RETRY)
        return [issue for issue in listed if isinstance(issue, dict)]

    def find_milestone_by_title(self, title: str) -> RemoteMilestone | None:
        with errors("list milestones", self._path):
            found = self._project.milestones.list(title=title, **PAGE, **RETRY)
        matches = [_milestone(ms.attributes) for ms in found if ms.title == title]
        return matches[0] if matches else None

    def close_duplicate(self, number: int, of: RemoteIssue, comment: str) -> None:
        """GitLab's REST API has no duplicate state: the comment says whose duplicate it is."""
        with errors("comment on a duplicate issue", self._path):
            self._issue_handle(number).notes.create({"body": comment}, **RETRY)
        with errors("close a duplicate issue", self._path):
            updated = self._project.issues.update(number, {"state_event": "close"}, **RETRY)
        self._remember(updated)

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None:
        try:
            with errors(f"read {path}", self._path, absent_ok=True):
                found = self._project.files.get(path, ref=ref or self._branch(), **RETRY)
        except Absent:
            return None
        try:
            return found.decode().decode("utf-8"), str(found.last_commit_id)
        except UnicodeDecodeError:
            raise ProviderError(f"GitLab could not read {path}: it is not UTF-8 text") from None

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
        """Create, or update only if `sha` (the last commit id) is still the file's; GitLab's
        answer names no commit, so the new version is read back (a different text there
        means someone wrote after us: FileConflict)."""
        branch = branch or self._branch()
        fields = {"branch": branch, "content": text, "commit_message": message}
        with errors(f"write {path}", self._path, file=path):
            if sha:
                self._project.files.update(path, {**fields, "last_commit_id": sha}, **RETRY)
            else:
                self._project.files.create({**fields, "file_path": path}, **RETRY)
        written = self.read_file(path, branch)
        if written is None or written[0] != text:
            raise FileConflict(f"{path} changed on GitLab while it was written", "read it again")
        return written[1]

    def read_version(self, path: str, version: str) -> str | None:
        found = self.read_file(path, version)  # GitLab's version is a commit id: a ref
        return found[0] if found else None

    def find_proposal(self, head_branch: str, base_branch: str | None = None) -> Proposal | None:
        return self._proposals().open_request(head_branch, base_branch or self._branch())

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

    def _proposals(self) -> GitLabProposals:
        return GitLabProposals(
            self._project, self._path, self._branch, self.read_file, self.write_file
        )

    def _branch(self) -> str:
        if self._default_branch is None:
            with errors("read the project", self._path):
                project = self._client.projects.get(self._path, **RETRY)
            self._default_branch = str(project.default_branch or "main")
        return self._default_branch

    def _link(self, source: int, target: int, kind: str) -> None:
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
            with errors("look up a user", self._path):
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
        author=str((data.get("author") or {}).get("username") or ""),
        created_at=_iso(data.get("created_at")),
    )


def _iso(text: str | None) -> str:
    """GitLab's "2024-05-01T10:00:00.000Z" as YYYY-MM-DDTHH:MM:SSZ, like the GitHub provider."""
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return str(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


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
