"""GitHub's rate limits as decisions: primary (points per window), secondary (content creation
per minute and per hour, concurrent requests). Time comes in as `now`; nothing here sleeps.

Settings live in `store.config["github"]` (see `GithubLimits` for names and defaults).
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Any

DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
PRIMARY_MESSAGE = "API rate limit exceeded for user ID {user}."
CONTENT_MESSAGE = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from "
    "content creation. Please retry your request again later."
)
CONCURRENT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


@dataclass(frozen=True)
class GithubLimits:
    """The knobs, with GitHub's published values for a personal access token as defaults."""

    rate_limit: int = 5000  # primary points per window for a token
    anonymous_rate_limit: int = 60  # ... and for requests without a token
    rate_limit_window: float = 3600.0  # seconds of sandbox time
    rate_limit_status: int = 403  # GitHub answers 403 or 429
    content_per_minute: int = 80  # secondary: creating requests (POST/PUT/PATCH/DELETE)
    content_per_hour: int = 500
    max_concurrent: int = 100  # secondary: requests in flight per token
    secondary_status: int = 403
    secondary_retry_after: int = 60  # seconds, as GitHub sends

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> GithubLimits:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in config.items() if k in known})


@dataclass
class Bucket:
    """One identity's primary window and its recent content-creation times."""

    reset_at: float = 0.0
    used: int = 0
    writes: deque[float] = field(default_factory=deque)
    in_flight: int = 0


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: dict[str, str]


def roll(bucket: Bucket, now: float, window: float) -> None:
    """Start a fresh primary window when the old one has passed."""
    if now >= bucket.reset_at:
        bucket.reset_at = now + window
        bucket.used = 0


def primary_headers(bucket: Bucket, limit: int) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(max(0, limit - bucket.used)),
        "x-ratelimit-used": str(bucket.used),
        "x-ratelimit-reset": str(math.ceil(bucket.reset_at)),
        "x-ratelimit-resource": "core",
    }


def content_refusal(writes: deque[float], now: float, limits: GithubLimits) -> bool:
    """True when one more content-creating request would break the per-minute or per-hour cap."""
    while writes and writes[0] <= now - 3600:
        writes.popleft()
    last_minute = sum(1 for t in writes if t > now - 60)
    return last_minute >= limits.content_per_minute or len(writes) >= limits.content_per_hour


class GithubLimiter:
    """Per-identity buckets behind a lock; the app asks `admit` before and `release` after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, Bucket] = {}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def limit_for(self, identity: str, limits: GithubLimits) -> int:
        return limits.anonymous_rate_limit if identity == "" else limits.rate_limit

    def admit(
        self, identity: str, now: float, write: bool, free: bool, limits: GithubLimits
    ) -> Refusal | None:
        """Charge one primary point (unless `free`) and count the request in flight, or refuse."""
        limit = self.limit_for(identity, limits)
        with self._lock:
            bucket = self._buckets.setdefault(identity, Bucket())
            roll(bucket, now, limits.rate_limit_window)
            if not free and bucket.used >= limit:
                headers = primary_headers(bucket, limit)
                message = PRIMARY_MESSAGE.format(user=zlib.crc32(identity.encode()) % 10**8)
                return Refusal(limits.rate_limit_status, message, headers)
            if bucket.in_flight >= limits.max_concurrent:
                return self._secondary(bucket, limit, limits, CONCURRENT_MESSAGE)
            if write and content_refusal(bucket.writes, now, limits):
                return self._secondary(bucket, limit, limits, CONTENT_MESSAGE)
            if write:
                bucket.writes.append(now)
            if not free:
                bucket.used += 1
            bucket.in_flight += 1
            return None

    def _secondary(self, bucket: Bucket, limit: int, limits: GithubLimits, msg: str) -> Refusal:
        headers = primary_headers(bucket, limit)
        headers["retry-after"] = str(limits.secondary_retry_after)
        return Refusal(limits.secondary_status, msg, headers)

    def release(self, identity: str, refund: bool) -> None:
        """The request is answered; `refund` gives the point back (a 304 costs nothing)."""
        with self._lock:
            bucket = self._buckets.setdefault(identity, Bucket())
            bucket.in_flight = max(0, bucket.in_flight - 1)
            if refund:
                bucket.used = max(0, bucket.used - 1)

    def headers(self, identity: str, now: float, limits: GithubLimits) -> dict[str, str]:
        with self._lock:
            bucket = self._buckets.setdefault(identity, Bucket())
            roll(bucket, now, limits.rate_limit_window)
            return primary_headers(bucket, self.limit_for(identity, limits))

    def snapshot(self, identity: str, now: float, limits: GithubLimits) -> dict[str, int]:
        """The numbers `GET /rate_limit` reports for the core resource."""
        headers = self.headers(identity, now, limits)
        return {
            "limit": int(headers["x-ratelimit-limit"]),
            "remaining": int(headers["x-ratelimit-remaining"]),
            "reset": int(headers["x-ratelimit-reset"]),
            "used": int(headers["x-ratelimit-used"]),
        }
