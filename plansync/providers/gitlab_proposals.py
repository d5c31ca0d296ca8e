"""Branches and merge requests on GitLab through python-gitlab, for
`GitLabProvider.propose_file`: translation only; `providers.base.propose` decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gitlab.exceptions import GitlabError
from gitlab.v4.objects import Project

from plansync.providers.base import Proposal
from plansync.providers.gitlab_errors import errors

# The provider's RETRY (not imported: gitlab.py imports this module).
RETRY: dict[str, Any] = {
    "obey_rate_limit": False,
    "max_retries": 0,
    "retry_transient_errors": False,
}


class GitLabProposals:
    """The `Proposer` half that is GitLab's; files are read and written by the provider."""

    def __init__(
        self,
        project: Project,
        path: str,
        default_branch: Callable[[], str],
        read_file: Callable[[str, str | None], tuple[str, str] | None],
        write_file: Callable[[str, str, str | None, str, str | None], str],
    ) -> None:
        self._project = project
        self._path = path
        self._default = default_branch
        self._read = read_file
        self._write = write_file

    def default_branch(self) -> str:
        return self._default()

    def branch_head(self, branch: str) -> str | None:
        try:
            found = self._project.branches.get(branch, **RETRY)
        except GitlabError as error:
            if error.response_code == 404 and "project" not in str(error.error_message).lower():
                return None
            with errors(f"read the branch {branch}", self._path):
                raise
        return str(found.commit["id"])

    def create_branch(self, branch: str, sha: str) -> None:
        try:
            self._project.branches.create({"branch": branch, "ref": sha}, **RETRY)
        except GitlabError as error:
            if error.response_code == 400 and "already exists" in str(error.error_message):
                return
            with errors(f"create the branch {branch}", self._path):
                raise

    def reset_branch(self, branch: str, sha: str) -> None:
        """GitLab's API cannot move a branch: it is deleted and made again at `sha`."""
        with errors(f"move the branch {branch}", self._path):
            self._project.branches.delete(branch, **RETRY)
        self.create_branch(branch, sha)

    def open_request(self, head: str, base: str) -> Proposal | None:
        with errors("list merge requests", self._path):
            found = self._project.mergerequests.list(
                source_branch=head, target_branch=base, state="opened", get_all=True, **RETRY
            )
        return _proposal(found[0].attributes) if found else None

    def create_request(self, head: str, base: str, title: str, body: str) -> Proposal | None:
        fields = {"source_branch": head, "target_branch": base, "title": title, "description": body}
        try:
            made = self._project.mergerequests.create(fields, **RETRY)
        except GitlabError as error:
            if error.response_code == 409:  # another open merge request from this branch
                return None
            with errors("open a merge request", self._path):
                raise
        return _proposal(made.attributes)

    def update_body(self, number: int, body: str) -> None:
        with errors("update a merge request", self._path):
            self._project.mergerequests.update(number, {"description": body}, **RETRY)

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None:
        return self._read(path, ref)

    def write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str:
        return self._write(path, text, sha, message, branch)


def _proposal(data: dict[str, Any]) -> Proposal:
    return Proposal(int(data["iid"]), str(data.get("web_url") or ""), data.get("description") or "")
