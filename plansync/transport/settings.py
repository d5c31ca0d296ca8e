"""The transport's knobs and the values it reports: plain frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class TransportSettings:
    """Retry bounds, rate-limit waits and write pacing for one run (the lead maps config here).

    Budgets of None are off. GitHub's defaults follow its published content-creation limits
    (80 a minute, 500 an hour); `defaults_for("gitlab")` turns the budgets off.
    """

    max_attempts: int = 6  # per request, first attempt included
    max_retry_seconds: float = 120.0  # time spent on transient retries of one request
    max_wait: float = 900.0  # the longest rate-limit wait the run accepts; beyond it, stop
    write_interval: float = 1.0  # seconds between the starts of two writes
    content_per_minute: int | None = 80
    content_per_hour: int | None = 500
    secondary_min_wait: float = 60.0  # a secondary limit without retry-after
    backoff_base: float = 1.0  # transient retry n waits up to base * 2**(n-1) ...
    backoff_cap: float = 30.0  # ... and never more than this (full jitter below it)
    report_after: float = 5.0  # waits at least this long go to `on_wait`
    timeout: float = 60.0  # seconds, for requests whose client sets none (python-gitlab)


def defaults_for(provider: str) -> TransportSettings:
    """The defaults for "github" or "gitlab" (GitLab publishes no content budget)."""
    if provider == "gitlab":
        return replace(TransportSettings(), content_per_minute=None, content_per_hour=None)
    return TransportSettings()


@dataclass(frozen=True)
class Wait:
    """A wait the transport is about to make: why, how long, and until when (epoch seconds)."""

    reason: str
    seconds: float
    until: float


@dataclass(frozen=True)
class TransportStats:
    """What one run's requests cost, for the run report."""

    requests: int = 0  # attempts sent, retries included
    writes: int = 0  # attempts other than GET/HEAD
    retries: int = 0
    not_modified: int = 0  # 304s (free on both services)
    points: int = 0  # GitHub secondary-limit points: GET 1, write 5
    charged: int = 0  # answers that cost primary quota (everything but 304s)
    quota_remaining: int | None = None  # last x-ratelimit-remaining seen
    quota_used: int | None = None  # last x-ratelimit-used seen
    waited_seconds: float = 0.0  # all waits, pacing included
    waits: int = 0  # waits reported to on_wait
