"""HTTP plumbing: the Request/Response values handlers see, and the socket server that carries them.

Nothing here knows about GitHub or GitLab; `App.handle(Request) -> Response` decides everything.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

JSON_TYPE = "application/json; charset=utf-8"
MAX_BODY = 10 * 1024 * 1024  # bytes; a bigger body gets 413 without being read
REQUEST_TIMEOUT = 10.0  # seconds a connection may stall (slow body, idle keep-alive)


class ApiError(Exception):
    """An error answer: the core turns it into a Response with this status, body and headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.route: str | None = None


class DropConnection(Exception):
    """Close the client's connection with a reset instead of answering (fault injection)."""


class Headers(Mapping[str, str]):
    """A case-insensitive, read-only view of request headers."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items = {k.lower(): (k, v) for k, v in (items or {}).items()}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items


@dataclass(frozen=True)
class Request:
    """One HTTP request as handlers see it; `path` has no query and no service prefix."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    base_url: str = "http://127.0.0.1"
    # The prefix stripped from the path ("/api/v3", "/api/v4" or ""), so URLs can be rebuilt.
    prefix: str = ""
    # Facts the core works out before dispatch (e.g. GitHub's rate-limit numbers for /rate_limit).
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        """The root that URLs in response bodies start with (base URL plus service prefix)."""
        return self.base_url + self.prefix

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter, or `default`."""
        values = self.query.get(name)
        return values[-1] if values else default

    def json(self) -> Any:
        """The body decoded as JSON (None when empty); 400 on anything else."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise ApiError(400, {"message": f"Problems parsing JSON: {error}"}) from error

    def form(self) -> dict[str, Any]:
        """The body as a dict, whether it was sent as JSON or as a form."""
        ctype = (self.headers.get("Content-Type") or "").lower()
        if ctype.startswith("application/x-www-form-urlencoded"):
            pairs = urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)
            return dict(pairs)
        data = self.json()
        return data if isinstance(data, dict) else {}

    def params(self) -> dict[str, Any]:
        """Query parameters (last value wins; `name[]` keeps every value) merged with the body."""
        merged: dict[str, Any] = {}
        for key, values in self.query.items():
            merged[key] = list(values) if key.endswith("[]") else values[-1]
        merged.update(self.form())
        return merged


@dataclass
class Response:
    """An answer; `body` is JSON-able data, raw bytes/str, or None for an empty body."""

    status: int
    body: Any = None
    headers: dict[str, str] | None = None
    route: str | None = None


def encode_body(body: Any) -> tuple[bytes, str | None]:
    """Bytes on the wire and their content type (None when the body is empty)."""
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain; charset=utf-8"
    return json.dumps(body, separators=(",", ":")).encode("utf-8"), JSON_TYPE


class Application(Protocol):
    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]: ...


class SandboxServer(ThreadingHTTPServer):
    """A threaded server that remembers its open connections so `stop` can end idle keep-alives."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        app: Application,
        max_body: int = MAX_BODY,
        timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.max_body = max_body
        self.request_timeout = timeout
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def track(self, sock: socket.socket, alive: bool) -> None:
        with self._open_lock:
            (self._open.add if alive else self._open.discard)(sock)

    def close_connections(self) -> None:
        with self._open_lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):  # already gone
                    sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "plansync-sandbox"
    sys_version = ""
    timeout = REQUEST_TIMEOUT  # the server's own value is set in setup()
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for
    # the client's delayed ACK, costing ~40 ms per request on a keep-alive connection.
    disable_nagle_algorithm = True
    server: SandboxServer

    def setup(self) -> None:
        # A stalled connection (a short body, an idle keep-alive) is dropped after this long
        # instead of holding a thread.
        super().setup()
        self.connection.settimeout(self.server.request_timeout)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the app keeps its own request log."""

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _body(self) -> bytes | None:
        """The request body, or None after answering an unreadable one (and closing)."""
        if "Transfer-Encoding" in self.headers:
            self._refuse(411, "send the body with a Content-Length")
            return None
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit():
            self._refuse(400, "bad Content-Length")
            return None
        length = int(raw)
        if length > self.server.max_body:
            self._refuse(413, f"request body over {self.server.max_body} bytes")
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return None
        return body

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True  # the unread body must not be taken for the next request
        payload = json.dumps({"message": message}).encode()
        self.send_response(status)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _serve(self) -> None:
        body = self._body()
        if body is None:
            return
        parts = urllib.parse.urlsplit(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = Request(
            method=self.command,
            path=parts.path or "/",
            query=urllib.parse.parse_qs(parts.query, keep_blank_values=True),
            headers=Headers(dict(self.headers.items())),
            body=body,
            base_url=f"http://{host}",
        )
        try:
            status, headers, payload = self.server.app.handle(request)
        except DropConnection:
            self._reset()
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST: the client sees a reset, not EOF.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
