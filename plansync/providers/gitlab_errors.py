"""GitLab's errors, as python-gitlab raises them, turned into one clear ProviderError each
(never showing a token)."""

from __future__ import annotations

import requests
from gitlab.exceptions import GitlabError

from plansync.errors import ProviderError
from plansync.providers.base import FileConflict


class Absent(Exception):
    """The object is not there (404 not naming the project): the caller answers None."""


class errors:
    """Turn python-gitlab's exceptions into one clear ProviderError (never showing a token)."""

    def __init__(
        self,
        doing: str,
        path: str,
        ok_if_exists: bool = False,
        absent_ok: bool = False,
        file: str | None = None,
    ) -> None:
        self.doing = doing
        self.path = path
        self.ok_if_exists = ok_if_exists
        self.absent_ok = absent_ok
        self.file = file

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
        if self.absent_ok and error.response_code == 404 and not names_project(error):
            raise Absent from None
        if self.file is not None and _stale(error):
            raise FileConflict(
                f"{self.file} changed on GitLab since it was read", "read it again and retry"
            ) from None
        raise provider_error(self.doing, self.path, error) from None


def _message(error: GitlabError) -> str:
    return str(error.error_message or "").strip()


def _already_exists(error: GitlabError) -> bool:
    text = _message(error).lower()
    return "already" in text


def _stale(error: GitlabError) -> bool:
    """A write that named an old version, or a create of a file that exists by now."""
    text = _message(error).lower()
    return error.response_code == 400 and ("changed since" in text or "already exists" in text)


def names_project(error: GitlabError) -> bool:
    return "project" in _message(error).lower()


def tier_refused(error: GitlabError) -> bool:
    """GitLab's answer when the tier has no blocking links (403 on Free, 400/404 on some)."""
    text = _message(error).lower()
    return error.response_code in (400, 403, 404) and ("licen" in text or "block" in text)


def provider_error(doing: str, path: str, error: GitlabError) -> ProviderError:
    code = error.response_code
    if code is None:  # python-gitlab could not parse a 2xx answer
        return ProviderError(
            f"GitLab sent an answer plansync cannot read when trying to {doing}",
            "try again later; if it persists, check --base-url and any proxy",
        )
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
