"""Time for the sandbox and for tests: a time source (real, or `FakeTime` whose `sleep` advances it
at once) and the sandbox's `Clock`, which runs a source `scale` times faster for rate-limit windows.

Share one `FakeTime` between `Sandbox(clock=fake)` and the code under test (`sleep=fake.sleep`,
`clock=fake.time`): waiting out an hour-long rate-limit window then takes no real time at all.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

FAKE_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: a fixed start, so runs repeat exactly


class TimeSource(Protocol):
    """What the sandbox reads time from: epoch seconds, and a way to let time pass."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealTime:
    """The wall clock."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))


class FakeTime:
    """A clock for tests: `time()` reads it, `sleep(s)` and `advance(s)` move it on instantly.

    Thread-safe. `sleeps` lists every `sleep` asked for, so a test can check what was waited.
    `monotonic()` is the same reading, for code that wants a monotonic clock.
    """

    def __init__(self, start: float = FAKE_EPOCH) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    monotonic = time

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass without recording a sleep."""
        with self._lock:
            self._now += max(0.0, seconds)


class Clock:
    """Epoch seconds that run `scale` times faster than the source from when the scale is set.

    A scale of 60 makes an hour-long rate-limit window pass in a minute. Windows are counted in
    this scaled time; what clients are told to wait is converted back with `to_source`/`span`.
    """

    def __init__(self, source: TimeSource | None = None, scale: float = 1.0) -> None:
        self.source: TimeSource = source or RealTime()
        self._lock = threading.Lock()
        self._anchor_real = self.source.time()
        self._anchor_virtual = self._anchor_real
        self._scale = scale

    @property
    def scale(self) -> float:
        return self._scale

    def now(self) -> float:
        with self._lock:
            return self._anchor_virtual + (self.source.time() - self._anchor_real) * self._scale

    def set_scale(self, scale: float) -> None:
        if scale <= 0:
            raise ValueError("time scale must be positive")
        with self._lock:
            real = self.source.time()
            self._anchor_virtual += (real - self._anchor_real) * self._scale
            self._anchor_real = real
            self._scale = scale

    def to_source(self, moment: float) -> float:
        """The source's time (what clients see as "now") at which sandbox time reaches `moment`."""
        with self._lock:
            return self._anchor_real + (moment - self._anchor_virtual) / self._scale

    def span(self, seconds: float) -> int:
        """Whole source seconds, at least 1, that cover `seconds` of sandbox time (Retry-After)."""
        return max(1, math.ceil(seconds / self._scale))

    def sleep(self, virtual_seconds: float) -> None:
        """Sleep for a span of sandbox time (shorter in real time when the clock runs fast)."""
        self.source.sleep(max(0.0, virtual_seconds) / self._scale)
