"""The sandbox: a stateful GitHub- and GitLab-compatible HTTP server for tests, demos, benchmarks.

with Sandbox() as sandbox:
    gh = sandbox.github_client()          # PyGithub, throttling off
    gh.get_repo("octo/demo").create_issue("Hello")
    print(sandbox.stats()["writes"])      # 1
"""

from __future__ import annotations

import os
import secrets
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from plansync.sandbox.app import App
from plansync.sandbox.faults import Faults, parse_spec
from plansync.sandbox.github.seed import seed as seed_github
from plansync.sandbox.http import SandboxServer
from plansync.sandbox.state import Store

if TYPE_CHECKING:
    import github
    import gitlab

__all__ = ["Sandbox"]


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
    ) -> None:
        self.host = host
        self.port = port
        initial = dict(config or {})
        if latency_ms:
            initial["latency_ms"] = latency_ms
        self.store = Store(path=state, config=initial)
        # With a state file, the token saved with it is reused so configured clients keep working.
        saved = sorted(self.store.tokens)
        self.token = token or (saved[0] if saved else f"sandbox-{secrets.token_hex(12)}")
        self.store.tokens.add(self.token)
        self.app = App(self.store, Faults(parse_spec(faults), seed))
        self._server: SandboxServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        self._server = SandboxServer((self.host, self.port), self.app)
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

    def github_client(self, **options: Any) -> github.Github:
        """A PyGithub client for this sandbox without PyGithub's pauses and retries."""
        import github

        settings: dict[str, Any] = {
            "base_url": self.github_url,
            "auth": github.Auth.Token(self.token),
            "retry": None,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
        }
        settings.update(options)
        return github.Github(**settings)

    def gitlab_client(self, **options: Any) -> gitlab.Gitlab:
        """A python-gitlab client for this sandbox."""
        import gitlab

        return gitlab.Gitlab(self.gitlab_url, private_token=self.token, **options)
