"""Branches and pull requests on GitHub through PyGithub, for `GitHubProvider.propose_file`:
translation only; `providers.base.propose` decides what to make and what to reuse."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from contextlib import AbstractContextManager

from github import GithubException
from github.Repository import Repository

from plansync.providers.base import Proposal


class GitHubProposals:
    """The `Proposer` half that is GitHub's; files are read and written by the provider."""

    def __init__(
        self,
        repo: Repository,
        owner: str,
        errors: Callable[..., AbstractContextManager[None]],
        read_file: Callable[[str, str | None], tuple[str, str] | None],
        write_file: Callable[[str, str, str | None, str, str | None], str],
    ) -> None:
        self._repo = repo
        self._owner = owner
        self._errors = errors  # the provider's `_errors` context: one clear ProviderError
        self._read = read_file
        self._write = write_file

    def default_branch(self) -> str:
        with self._errors("read the repository"):
            return str(self._repo.default_branch or "main")

    def branch_head(self, branch: str) -> str | None:
        try:
            ref = self._repo.get_git_ref(f"heads/{branch}")
            return str(ref.object.sha)  # the first attribute read fetches it
        except GithubException as error:
            if error.status in (404, 409):  # no such branch (409: the repository is empty)
                return None
            with self._errors(f"read the branch {branch}"):
                raise

    def create_branch(self, branch: str, sha: str) -> None:
        with self._errors(f"create the branch {branch}", ok_if_exists=True):
            self._repo.create_git_ref(f"refs/heads/{branch}", sha)

    def reset_branch(self, branch: str, sha: str) -> None:
        with self._errors(f"move the branch {branch}"):
            ref = self._repo.get_git_ref(f"heads/{branch}")
            _ = ref.object  # fetched, so the edit goes to the ref's own URL (git/refs/...)
            ref.edit(sha, force=True)

    def open_request(self, head: str, base: str) -> Proposal | None:
        with self._errors("list pull requests"):
            pulls = self._repo.get_pulls(state="open", head=f"{self._owner}:{head}", base=base)
            found = next(iter(pulls), None)
            if found is None:
                return None
            return Proposal(found.number, found.html_url, found.body or "")

    def create_request(self, head: str, base: str, title: str, body: str) -> Proposal | None:
        with self._errors("open a pull request", ok_if_exists=True):
            made = self._repo.create_pull(base=base, head=head, title=title, body=body)
            return Proposal(made.number, made.html_url, made.body or "")
        return None  # "A pull request already exists": the caller looks it up

    def update_body(self, number: int, body: str) -> None:
        with self._errors("update a pull request"):
            self._repo.get_pull(number).edit(body=body)

    def read_file(self, path: str, ref: str | None = None) -> tuple[str, str] | None:
        return self._read(path, ref)

    def write_file(
        self, path: str, text: str, sha: str | None, message: str, branch: str | None = None
    ) -> str:
        return self._write(path, text, sha, message, branch)

    def read_version(self, version: str) -> str | None:
        """A file's text by its blob sha (what `read_file` calls its version)."""
        try:
            blob = self._repo.get_git_blob(version)
            raw = base64.b64decode(blob.content or "")
            return raw.decode("utf-8")
        except GithubException as error:
            if error.status in (404, 422):
                return None
            with self._errors("read an earlier version of a file"):
                raise
        except (binascii.Error, UnicodeDecodeError):
            return None
