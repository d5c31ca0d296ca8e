"""The sandbox: a stateful GitHub- and GitLab-compatible HTTP server for tests, demos, benchmarks.

with Sandbox() as sandbox:
    gh = sandbox.github_client()          # PyGithub, throttling off
    gh.get_repo("octo/demo").create_issue("Hello")
    print(sandbox.stats()["writes"])      # 1

`Sandbox(clock=FakeTime())` runs it on a fake time source (see `plansync.sandbox.clock`);
`add_account` and `github_client(token=...)` act as other users.
"""

from __future__ import annotations

import copy
import functools
import os
import secrets
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from plansync.sandbox.app import App
from plansync.sandbox.clock import Clock, FakeTime, RealTime, TimeSource
from plansync.sandbox.faults import Faults, parse_spec
from plansync.sandbox.github.seed import seed as seed_github
from plansync.sandbox.http import MAX_BODY, REQUEST_TIMEOUT, SandboxServer
from plansync.sandbox.state import Store

if TYPE_CHECKING:
    import github
    import gitlab

__all__ = ["Clock", "FakeTime", "RealTime", "Sandbox", "TimeSource"]


def new_token() -> str:
    return f"sandbox-{secrets.token_hex(12)}"


class Sandbox:
    """One server on a background thread; `start()`/`stop()` or use it as a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        state: str | os.PathLike[str] | None = None,
        latency_ms: int = 0,
        faults: str = "",
        seed: int = 0,
        config: dict[str, Any] | None = None,
        *,
        clock: TimeSource | None = None,
        admin_token: str | None = None,
        max_body: int = MAX_BODY,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        """`clock`: the time source (default the wall clock; a `FakeTime` makes waits instant).
        `admin_token`: one more token for `/_sandbox/` (the sandbox token always works there).
        `max_body` (bytes, else 413) and `request_timeout` (seconds a connection may stall)."""
        self.host = host
        self.port = port
        self.max_body = max_body
        self.request_timeout = request_timeout
        initial = dict(config or {})
        if latency_ms:
            initial["latency_ms"] = latency_ms
        self._requested_port = port
        self._build = functools.partial(
            self._make,
            state=state,
            config=initial,
            clock=clock,
            admin_token=admin_token,
            faults=faults,
            seed=seed,
        )
        self.store, self.app, self.token = self._build(token)
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _make(
        token: str | None,
        state: str | os.PathLike[str] | None,
        config: dict[str, Any],
        clock: TimeSource | None,
        admin_token: str | None,
        faults: str,
        seed: int,
    ) -> tuple[Store, App, str]:
        store = Store(path=state, config=copy.deepcopy(config), clock=clock)
        # With a state file, the token saved with it is reused so configured clients keep working.
        saved = store.default_tokens()
        token = token or (saved[0] if saved else new_token())
        store.add_account(token)
        store.admin_tokens.update(t for t in (token, admin_token) if t)
        return store, App(store, Faults(parse_spec(faults), seed)), token

    @property
    def running(self) -> bool:
        return self._server is not None

    def restart(self) -> Sandbox:
        """Stop, drop the data and everything in flight (held or stuck requests), start afresh
        with the settings it was made with (the same token; the same port unless it was 0)."""
        self.stop()
        self.store, self.app, self.token = self._build(self.token)
        self.port = self._requested_port
        return self.start()

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        self._server = SandboxServer(
            (self.host, self.port), self.app, self.max_body, self.request_timeout
        )
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"plansync-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        self.app.faults.gate.release()  # held requests must not outlive the server
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self.store.save()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def clock(self) -> Clock:
        """The sandbox's scaled clock; `clock.source` is the time source it was given."""
        return self.store.clock

    @property
    def url(self) -> str:
        """`http://HOST:PORT`: GitHub's API root (also served under /api/v3) and GitLab's URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def github_url(self) -> str:
        return f"{self.url}/api/v3"

    @property
    def gitlab_url(self) -> str:
        """What python-gitlab takes as its URL (it appends /api/v4 itself)."""
        return self.url

    def stats(self) -> dict[str, Any]:
        return self.app.stats.to_dict()

    def reset_stats(self) -> None:
        self.app.stats.reset()

    def reset(self, limits: bool = False) -> None:
        """Empty all data, counters and faults; `limits=True` also restores start-up settings."""
        self.app.reset(limits=limits)

    def set_faults(self, spec: str, seed: int = 0) -> None:
        """Replace the fault rules (see docs/sandbox.md for the SPEC grammar); "" clears them."""
        self.app.faults.set(parse_spec(spec), seed)

    def set_limits(self, settings: dict[str, Any] | None = None, **github: Any) -> None:
        """Merge settings: `set_limits(rate_limit=10)` for GitHub's, or a whole config dict."""
        patch = dict(settings or {})
        if github:
            patch.setdefault("github", {}).update(github)
        self.app.configure(patch)

    def seed(self, github: dict[str, Any]) -> dict[str, Any]:
        """Create GitHub data in one step (see plansync.sandbox.github.seed for the shape)."""
        result = seed_github(self.store, github)
        self.store.save()
        return result

    def requests(self, limit: int | None = None) -> list[dict[str, Any]]:
        return self.app.stats.entries(limit)

    def add_account(
        self, login: str, token: str | None = None, write: bool | Iterable[str] = True
    ) -> str:
        """Let `login` in with its own token (returned; generated unless given). `write` is push
        access (GitLab: Reporter or above): True, False, or the `owner/name` repositories. An
        account without it has the labels, milestone and assignees of its issues dropped."""
        token = token or new_token()
        self.store.add_account(token, login, write)
        return token

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> bool:
        """Block until `count` requests wait on a `hold` fault (True), or `timeout` passes."""
        return self.app.faults.gate.wait_held(count, timeout)

    def release_held(self) -> None:
        """Let every request held by a `hold` fault go on."""
        self.app.faults.gate.release()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no API request is being served (True), or `timeout` passes (False)."""
        return self.app.in_flight.wait_idle(timeout)

    def github_client(self, token: str | None = None, **options: Any) -> github.Github:
        """A PyGithub client for this sandbox without PyGithub's pauses and retries, acting as
        the account of `token` (default: the sandbox token)."""
        import github

        settings: dict[str, Any] = {
            "base_url": self.github_url,
            "auth": github.Auth.Token(token or self.token),
            "retry": None,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
        }
        settings.update(options)
        return github.Github(**settings)

    def gitlab_client(self, token: str | None = None, **options: Any) -> gitlab.Gitlab:
        """A python-gitlab client for this sandbox, acting as the account of `token`."""
        import gitlab

        return gitlab.Gitlab(self.gitlab_url, private_token=token or self.token, **options)

    def admin_headers(self) -> dict[str, str]:
        """What an HTTP call to `/_sandbox/` must send."""
        return {"Authorization": f"token {self.token}"}
