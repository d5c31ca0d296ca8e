"""Test doubles for the transport: a virtual clock whose sleep moves time on at once, and a
transport for tests that do not care about pacing (no write interval, no budgets)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from plansync.transport import Transport, TransportSettings, Wait

NO_PACING = TransportSettings(write_interval=0, content_per_minute=None, content_per_hour=None)


@dataclass
class FakeClock:
    """Epoch seconds that move only when something sleeps; every sleep is recorded."""

    now: float = 1_800_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@dataclass
class Recorder:
    """Collects the waits a transport reports."""

    waits: list[Wait] = field(default_factory=list)

    def __call__(self, wait: Wait) -> None:
        self.waits.append(wait)


def fast_transport(**settings: Any) -> Transport:
    """A transport that never waits in real time: a fake clock, and no pacing by default."""
    clock = FakeClock()
    return Transport(replace(NO_PACING, **settings), clock=clock, sleep=clock.sleep)
