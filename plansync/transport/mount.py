"""Routing both client libraries through the seam: python-gitlab takes a session; PyGithub
builds its own session inside its connection class, so we wrap that class on one client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from plansync.transport.seam import Transport

if TYPE_CHECKING:
    import github

# PyGithub's Requester keeps the class it builds connections from in this (name-mangled)
# instance attribute; a connection owns a requests.Session made in its __init__.
CONNECTION_CLASS = "_Requester__connectionClass"


def session_for(transport: Transport) -> requests.Session:
    """A session whose every request goes through `transport` (for python-gitlab)."""
    session = requests.Session()
    session.mount("http://", transport)
    session.mount("https://", transport)
    read_environment_once(session)
    return session


def read_environment_once(session: requests.Session) -> None:
    """Keep `trust_env` (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE, ... are honoured, as users
    behind a proxy need), but read them once per host and arguments for this session, that
    is for one run, instead of scanning the whole environment twice on every request.

    A change to the environment in the middle of a run is not seen; nothing makes one.
    """
    merge = session.merge_environment_settings
    seen: dict[tuple[object, ...], dict[str, Any]] = {}

    def merged(url: str, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        parts = urlsplit(url)  # NO_PROXY decides by host and port: the path does not matter
        key = (
            parts.scheme,
            parts.netloc,
            tuple(sorted((proxies or {}).items())),
            stream,
            verify,
            _hashable(cert),
            # what the session itself adds, in case a client library changes it
            tuple(sorted(session.proxies.items())),
            session.stream,
            session.verify,
            _hashable(session.cert),
            session.trust_env,
        )
        if key not in seen:
            seen[key] = dict(merge(url, proxies, stream, verify, cert))
        settings = seen[key]
        return {**settings, "proxies": dict(settings.get("proxies") or {})}

    session.merge_environment_settings = merged  # type: ignore[method-assign,assignment]


def _hashable(value: Any) -> object:
    return tuple(value) if isinstance(value, list) else value


def mount_pygithub(client: github.Github, transport: Transport) -> None:
    """Route every request of `client` through `transport`.

    PyGithub has no session hook: each Requester builds an HTTP(S)RequestsConnectionClass,
    which makes its own requests.Session and mounts an HTTPAdapter with urllib3 retries. We
    replace, on this client's Requester only (no global patch), the connection class with a
    factory that builds PyGithub's own connection and mounts our adapter over PyGithub's.
    If PyGithub renames the attribute this fails at construction, and
    tests/transport/test_github_e2e.py fails if requests stop arriving at the seam.
    """
    requester = client.requester
    build = getattr(requester, CONNECTION_CLASS)  # AttributeError if PyGithub changed

    def connection(*args: Any, **kwargs: Any) -> Any:
        made = build(*args, **kwargs)
        made.session.mount("http://", transport)
        made.session.mount("https://", transport)
        read_environment_once(made.session)
        return made

    setattr(requester, CONNECTION_CLASS, connection)
