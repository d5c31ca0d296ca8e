"""Routing both client libraries through the seam: python-gitlab takes a session; PyGithub
builds its own session inside its connection class, so we wrap that class on one client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    return session


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
        return made

    setattr(requester, CONNECTION_CLASS, connection)
