"""Counters and the request log that tests and benchmarks read through `GET /_sandbox/stats`."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

LOG_SIZE = 2000


@dataclass(frozen=True)
class Entry:
    """One served (or faulted) request, as the request log shows it."""

    time: float
    service: str
    method: str
    path: str
    query: str
    status: int  # 0 when the connection was reset before any answer
    route: str
    fault: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class InFlight:
    """How many API requests are being served; `wait_idle` is the signal that all are done."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.count = 0

    def enter(self) -> None:
        with self._cond:
            self.count += 1

    def leave(self) -> None:
        with self._cond:
            self.count -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """True once nothing is in flight; False after `timeout` real seconds (a safety net)."""
        with self._cond:
            return self._cond.wait_for(lambda: self.count == 0, timeout)


class Stats:
    """Thread-safe counters since start or the last reset; admin calls are not counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.writes = 0
            self.not_modified = 0
            self.rate_limit_points = 0
            self.faults = 0
            self.by_route: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.log: deque[Entry] = deque(maxlen=LOG_SIZE)

    def record(self, entry: Entry, write: bool, points: int) -> None:
        with self._lock:
            self.requests += 1
            self.writes += int(write)
            self.not_modified += int(entry.status == 304)
            self.rate_limit_points += points
            self.faults += int(entry.fault is not None)
            self.by_route[entry.route] += 1
            self.by_status[str(entry.status)] += 1
            self.log.append(entry)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "writes": self.writes,
                "not_modified": self.not_modified,
                "rate_limit_points": self.rate_limit_points,
                "faults": self.faults,
                "by_route": dict(self.by_route),
                "by_status": dict(self.by_status),
            }

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self.log)
        return [e.to_dict() for e in (items[-limit:] if limit else items)]
