"""The ETag cache: GET answers kept between runs, so the next run asks `If-None-Match` and a
304 (free on both services) stands in for the whole answer. Keys are SHA-256 hashes of the
credential and the URL: no token is stored, and two tokens never share an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

VERSION = 1
MAX_BYTES = 32 * 1024 * 1024
MAX_AGE = 30 * 86400.0  # an entry unused this long is dropped
# A used entry is stamped again at most this often: stamping it on every run made every
# no-op run rewrite the whole cache (a quarter of its CPU at 5,000 issues), for an age
# that only needs to be right to the day.
RESTAMP_AFTER = 86400.0
CREDENTIALS = ("authorization", "private-token", "job-token")
# Not kept: they describe the bytes on the wire or the connection, not the resource.
WIRE_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "set-cookie"}
)


@dataclass(frozen=True)
class Entry:
    etag: str
    last_modified: str
    headers: dict[str, str]
    body: str
    used: float  # epoch seconds of the last run that used it

    @classmethod
    def from_json(cls, data: Any) -> Entry | None:
        if not isinstance(data, dict):
            return None
        try:
            entry = cls(**data)
        except TypeError:
            return None
        texts = (entry.etag, entry.last_modified, entry.body)
        if not all(isinstance(t, str) for t in texts) or not isinstance(entry.headers, dict):
            return None
        if not all(isinstance(v, str) for v in entry.headers.values()):
            return None
        if not isinstance(entry.used, (int, float)):
            return None
        return entry


class EtagCache:
    """Entries loaded from `path` (None: in memory only). A missing, corrupt or foreign file
    starts an empty cache: it only costs full reads."""

    def __init__(self, path: str | os.PathLike[str] | None, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path) if path is not None else None
        self.max_bytes = max_bytes
        self.entries: dict[str, Entry] = {}
        self._dirty = False
        self._load()

    @staticmethod
    def key(request: requests.PreparedRequest) -> str:
        headers = {k.lower(): str(v) for k, v in request.headers.items()}
        parts = [headers.get(name, "") for name in CREDENTIALS]
        parts += [str(request.url), headers.get("accept", "")]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def lookup(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def remember(self, key: str, response: requests.Response, now: float) -> None:
        """Keep a 200 that carries a validator (ETag or Last-Modified) and a UTF-8 body."""
        etag = response.headers.get("etag", "")
        modified = response.headers.get("last-modified", "")
        if response.status_code != 200 or not (etag or modified):
            return
        try:
            body = response.content.decode("utf-8")
        except UnicodeDecodeError:
            return
        headers = {k.lower(): v for k, v in response.headers.items()}
        kept = {k: v for k, v in headers.items() if k not in WIRE_HEADERS}
        self.entries[key] = Entry(etag, modified, kept, body, now)
        self._dirty = True

    def touch(self, key: str, now: float) -> None:
        entry = self.entries.get(key)
        if entry is not None and now - entry.used >= RESTAMP_AFTER:
            self.entries[key] = Entry(**{**asdict(entry), "used": now})
            self._dirty = True

    def save(self, now: float) -> None:
        """Write the newest entries that fit `max_bytes`, atomically; a failure is ignored
        (the cache is an optimisation, never a reason for a run to fail)."""
        if self.path is None or not self._dirty:
            return
        fresh = sorted(
            ((k, e) for k, e in self.entries.items() if now - e.used <= MAX_AGE),
            key=lambda item: item[1].used,
            reverse=True,
        )
        kept: dict[str, Any] = {}
        size = 0
        for key, entry in fresh:
            size += len(entry.body) + 200 + sum(len(k) + len(v) for k, v in entry.headers.items())
            if size > self.max_bytes:
                break
            kept[key] = asdict(entry)
        text = json.dumps({"version": VERSION, "entries": kept}, separators=(",", ":"))
        try:
            _write_atomic(self.path, text)
        except OSError:
            return
        self._dirty = False

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            if self.path.stat().st_size > 2 * self.max_bytes:
                return
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return
        raw = data.get("entries")
        for key, value in raw.items() if isinstance(raw, dict) else ():
            entry = Entry.from_json(value)
            if entry is not None:
                self.entries[str(key)] = entry


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=".etags-", dir=path.parent)  # mode 0600: issue text
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
