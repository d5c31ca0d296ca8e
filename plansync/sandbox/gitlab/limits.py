"""GitLab's rate limits, pure: fixed windows per user, `RateLimit-*` headers and the 429 answers.

Two layers as on GitLab.com: the authenticated-API throttle (Rack::Attack, shown in headers on
every response, 429 body `Retry later`) and application limits on issue and note creation
(not in the headers, so a 429 can come while the headers still show quota left).
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

API_THROTTLE = "throttle_authenticated_api"
APP_LIMIT_MESSAGE = "This endpoint has been requested too many times. Try again later."


@dataclass(frozen=True)
class Settings:
    """`config["gitlab"]` keys; flat so a shallow merge of admin JSON still works."""

    requests_per_minute: int = 2000  # GitLab.com authenticated API
    issues_per_minute: int = 200  # GitLab.com issue creation
    notes_per_minute: int = 60  # GitLab.com note creation
    period: float = 60.0  # window length in seconds of the store's clock
    enabled: bool = True

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            requests_per_minute=int(config.get("requests_per_minute", cls.requests_per_minute)),
            issues_per_minute=int(config.get("issues_per_minute", cls.issues_per_minute)),
            notes_per_minute=int(config.get("notes_per_minute", cls.notes_per_minute)),
            period=float(config.get("rate_limit_period", cls.period)),
            enabled=bool(config.get("rate_limits_enabled", cls.enabled)),
        )

    def limit_for(self, kind: str) -> int:
        return {"issue_create": self.issues_per_minute, "note_create": self.notes_per_minute}.get(
            kind, self.requests_per_minute
        )


@dataclass(frozen=True)
class Window:
    """Requests counted in the fixed window that starts at `start` (Rack::Attack aligns them)."""

    start: float
    count: int


@dataclass(frozen=True)
class Decision:
    """Whether to serve the request; if not, the 429's body. `headers` go on either answer."""

    allowed: bool
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


def tick(window: Window | None, now: float, period: float) -> Window:
    """The window after counting one more request at `now`; a new one once the old has ended."""
    start = math.floor(now / period) * period
    if window is None or window.start != start:
        return Window(start, 1)
    return Window(start, window.count + 1)


def retry_after(reset: float, now: float, scale: float) -> int:
    """Real seconds until `reset` on a clock running `scale` times faster; python-gitlab int()s
    the header and sleeps that long, so never 0 (it would retry in a tight loop)."""
    return max(1, math.ceil((reset - now) / max(scale, 1e-9)))


def api_headers(limit: int, window: Window, period: float) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Name": API_THROTTLE,
        "RateLimit-Observed": str(window.count),
        "RateLimit-Remaining": str(max(0, limit - window.count)),
        "RateLimit-Reset": str(int(window.start + period)),
    }


def refusal_headers(reset: float, now: float, scale: float) -> dict[str, str]:
    return {
        "RateLimit-ResetTime": email.utils.formatdate(reset, usegmt=True),
        "Retry-After": str(retry_after(reset, now, scale)),
    }


def client_times(headers: Mapping[str, str], to_source: Callable[[float], float]) -> dict[str, str]:
    """The reset moments as the time clients live in: windows run on the sandbox's scaled clock,
    and python-gitlab waits until `RateLimit-Reset` by its own clock."""
    told = dict(headers)
    if "RateLimit-Reset" in told:
        reset = to_source(float(told["RateLimit-Reset"]))
        told["RateLimit-Reset"] = str(math.ceil(reset))
        if "RateLimit-ResetTime" in told:
            told["RateLimit-ResetTime"] = email.utils.formatdate(math.ceil(reset), usegmt=True)
    return told


def check(
    settings: Settings,
    windows: Mapping[str, Window],
    kind: str,
    now: float,
    scale: float = 1.0,
) -> tuple[dict[str, Window], Decision]:
    """Count one request of `kind` ("api", "issue_create" or "note_create") at `now`.

    Returns the updated windows (keyed by kind) and the decision. Every request counts against
    the API throttle; creations also count against their application limit.
    """
    if not settings.enabled:
        return dict(windows), Decision(True)
    period = settings.period
    updated = dict(windows)
    api = updated["api"] = tick(windows.get("api"), now, period)
    limit = settings.requests_per_minute
    headers = api_headers(limit, api, period)
    if api.count > limit:
        headers |= refusal_headers(api.start + period, now, scale)
        return updated, Decision(False, headers, "Retry later\n")
    if kind != "api":
        app = updated[kind] = tick(windows.get(kind), now, period)
        if app.count > settings.limit_for(kind):
            # GitLab sends no Retry-After here; we do, because python-gitlab would otherwise
            # sleep until RateLimit-Reset measured on the wall clock, wrong under a time scale.
            refused = headers | refusal_headers(app.start + period, now, scale)
            return updated, Decision(False, refused, {"message": {"error": APP_LIMIT_MESSAGE}})
    return updated, Decision(True, headers)
