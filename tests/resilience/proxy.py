"""A tiny HTTP proxy between plansync and the sandbox that makes faults the way a load balancer
or a flaky network would: 504 pages, answers that never come, resets, garbled bodies, and the
services' rate-limit refusals. The engine sees only bytes on the wire: it cannot tell who made them.
"""

from __future__ import annotations

import fnmatch
import http.client
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}
SECONDARY = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from "
    "content creation. Please retry your request again later."
)
# Actions that answer without asking the service (the request never takes effect).
REFUSALS = {"504", "reset", "primary", "secondary", "secondary-bare", "429", "429-reset"}


@dataclass
class Rule:
    method: str
    pattern: str
    action: str
    nth: int = 1  # the nth matching request fires (once)
    seen: int = 0
    fired: int = 0


class FaultProxy:
    """`with FaultProxy(upstream_port, clock) as proxy:`, point the client at `proxy.url`, then
    `proxy.arm("POST", "/repos/*/issues", "timeout")`. `clock` gives the epoch seconds put in
    rate-limit headers (the test's fake clock)."""

    def __init__(self, upstream_port: int, clock: Callable[[], float]) -> None:
        self.upstream_port = upstream_port
        self.clock = clock
        self.rules: list[Rule] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def arm(self, method: str, pattern: str, action: str, nth: int = 1) -> Rule:
        rule = Rule(method, pattern, action, nth)
        with self._lock:
            self.rules.append(rule)
        return rule

    def pick(self, method: str, path: str) -> str | None:
        spellings = (path, path[len("/api/v3") :], path[len("/api/v4") :])
        with self._lock:
            for rule in self.rules:
                if rule.method not in ("*", method):
                    continue
                if not any(fnmatch.fnmatchcase(p, rule.pattern) for p in spellings):
                    continue
                rule.seen += 1
                if rule.seen == rule.nth:
                    rule.fired += 1
                    return rule.action
        return None

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold the body back some 40 ms per request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            action = proxy.pick(self.command, urlsplit(self.path).path)
            if action in REFUSALS:
                self.refuse(action or "")
                return
            status, headers, payload = self.forward(body)
            if action == "timeout":  # applied, but the answer never comes
                self.connection.settimeout(30)
                try:
                    while self.connection.recv(4096):
                        pass  # wait until the client gives up and closes
                except OSError:
                    pass
                self.close_connection = True
                return
            if action == "garble":  # a proxy's error page with the upstream's success status
                headers = [("Content-Type", "text/html")]
                payload = b"<html><body><h1>Bad gateway</h1>upstream sent junk</body></html>"
            self.answer(status, headers, payload)

        def forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            upstream.request(self.command, self.path, body or None, headers)
            answer = upstream.getresponse()
            payload = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP]
            upstream.close()
            return answer.status, kept, payload

        def answer(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def refuse(self, action: str) -> None:
            now = int(proxy.clock())
            gitlab = self.path.startswith("/api/v4")
            if action == "reset":
                linger = struct.pack("ii", 1, 0)  # close with RST, not FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.close_connection = True
                return
            if action == "504":
                page = b"<html><body><h1>504 Gateway Time-out</h1></body></html>"
                self.answer(504, [("Content-Type", "text/html")], page)
                return
            if gitlab or action in ("429", "429-reset"):
                self.answer(*_gitlab_429(now, action == "429"))
                return
            self.answer(*_github_limit(now, action))

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = relay

    return Handler


def _json(body: object) -> bytes:
    return json.dumps(body).encode("utf-8")


def _github_limit(now: int, action: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """GitHub's primary or secondary refusal, as PyGithub's recorded answers show them."""
    remaining = "0" if action == "primary" else "4000"
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("x-ratelimit-limit", "5000"),
        ("x-ratelimit-remaining", remaining),
        ("x-ratelimit-used", str(5000 - int(remaining))),
        ("x-ratelimit-reset", str(now + 300)),
        ("x-ratelimit-resource", "core"),
    ]
    message = "API rate limit exceeded for user ID 1." if action == "primary" else SECONDARY
    if action == "secondary":
        headers.append(("retry-after", "60"))
    docs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    return 403, headers, _json({"message": message, "documentation_url": docs})


def _gitlab_429(now: int, retry_after: bool) -> tuple[int, list[tuple[str, str]], bytes]:
    """GitLab's 429: `Retry-After` and `RateLimit-*`, or (application limits) only the reset."""
    headers = [
        ("Content-Type", "text/plain"),
        ("RateLimit-Limit", "200"),
        ("RateLimit-Name", "throttle_authenticated_api"),
        ("RateLimit-Observed", "201"),
        ("RateLimit-Remaining", "0"),
        ("RateLimit-Reset", str(now + 40)),
    ]
    if retry_after:
        headers.append(("Retry-After", "40"))
    return 429, headers, b"Retry later\n"
