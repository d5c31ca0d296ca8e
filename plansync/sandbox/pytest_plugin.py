"""pytest fixtures that start the sandbox in-process (registered as a pytest11 plugin).

- `plansync_sandbox_server`: one server for the whole session.
- `plansync_sandbox`: that server, emptied and restored to its start-up settings for each test.
- `plansync_github`: a PyGithub client on it (no throttling, no retries), closed after the test.

Between tests, held requests are released and requests still in flight are waited for, so that
nothing one test started lands in the next. If that clean-up fails, the failure is reported on the
test that caused it and the server is restarted, so the next test still starts clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from plansync.sandbox import Sandbox

if TYPE_CHECKING:
    import github

DRAIN_SECONDS = 30.0  # a safety net for a request that never ends, not a timing assumption


@pytest.fixture(scope="session")
def plansync_sandbox_server() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def fresh(sandbox: Sandbox) -> None:
    """Back to start-up state once nothing of the last test is running; raise if something is
    stuck (the caller restarts the server then)."""
    if not sandbox.running:
        sandbox.start()
    sandbox.release_held()
    if not sandbox.wait_idle(DRAIN_SECONDS):
        raise RuntimeError(f"a sandbox request was still running after {DRAIN_SECONDS:.0f} s")
    sandbox.reset(limits=True)


def _fresh_or_restart(sandbox: Sandbox) -> None:
    try:
        fresh(sandbox)
    except Exception:
        sandbox.restart()
        raise


@pytest.fixture
def plansync_sandbox(plansync_sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """A running sandbox with no data, no faults, default limits and zeroed counters."""
    try:
        fresh(plansync_sandbox_server)
    except Exception:  # left broken by an earlier test (already reported there): start over
        plansync_sandbox_server.restart()
    yield plansync_sandbox_server
    _fresh_or_restart(plansync_sandbox_server)


@pytest.fixture
def plansync_github(plansync_sandbox: Sandbox) -> Iterator[github.Github]:
    client = plansync_sandbox.github_client()
    try:
        yield client
    finally:
        client.close()
