"""Write pacing, pure: how long to wait before the next write so writes start `interval` apart
and stay within per-minute and per-hour budgets (sliding windows). Time comes in as `now`."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from plansync.transport.settings import TransportSettings

MINUTE = 60.0
HOUR = 3600.0


@dataclass
class Pacer:
    """The start times of recent writes, and the rules they must keep."""

    interval: float = 1.0
    per_minute: int | None = None
    per_hour: int | None = None
    starts: deque[float] = field(default_factory=deque)

    @classmethod
    def from_settings(cls, settings: TransportSettings) -> Pacer:
        return cls(settings.write_interval, settings.content_per_minute, settings.content_per_hour)

    def delay(self, now: float) -> tuple[float, str]:
        """Seconds to wait before a write may start at `now` (0 if none), and why."""
        self._forget(now)
        waits = [(0.0, "")]
        if self.interval > 0 and self.starts:
            waits.append((self.starts[-1] + self.interval - now, "pacing writes"))
        for budget, window, name in (
            (self.per_minute, MINUTE, "a minute"),
            (self.per_hour, HOUR, "an hour"),
        ):
            free_at = self._free_at(budget, window, now)
            if free_at is not None:
                waits.append((free_at - now, f"the budget of {budget} writes {name}"))
        seconds, reason = max(waits)
        return max(0.0, seconds), reason

    def record(self, now: float) -> None:
        """A write starts at `now`."""
        self.starts.append(now)
        self._forget(now)

    def _free_at(self, budget: int | None, window: float, now: float) -> float | None:
        """When the window before a write holds fewer than `budget` writes; None if it does now."""
        if not budget or budget <= 0:
            return None
        recent = [t for t in self.starts if t > now - window]
        if len(recent) < budget:
            return None
        # +1 ms: at exactly `window` later, float rounding can still count the old write in
        return recent[len(recent) - budget] + window + 0.001

    def _forget(self, now: float) -> None:
        while self.starts and self.starts[0] <= now - HOUR:
            self.starts.popleft()
