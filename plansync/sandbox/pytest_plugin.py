"""pytest fixtures that start the sandbox in-process (registered as a pytest11 plugin).

- `plansync_sandbox_server`: one server for the whole session.
- `plansync_sandbox`: that server, emptied and restored to its start-up settings for each test.
- `plansync_github`: a PyGithub client on it (no throttling, no retries), closed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from plansync.sandbox import Sandbox

if TYPE_CHECKING:
    import github


@pytest.fixture(scope="session")
def plansync_sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def plansync_sandbox(plansync_sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """A running sandbox with no data, no faults, default limits and zeroed counters."""
    plansync_sandbox_server.reset(limits=True)
    yield plansync_sandbox_server
    plansync_sandbox_server.reset(limits=True)


@pytest.fixture
def plansync_github(plansync_sandbox: Sandbox) -> Iterator[github.Github]:
    client = plansync_sandbox.github_client()
    try:
        yield client
    finally:
        client.close()
