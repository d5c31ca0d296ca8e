"""The one retry policy, pure: what to do after one HTTP attempt (retry after N seconds, stop,
the outcome is unknown, or the rate limit outlasts the run). No I/O, no clock, no sleeping:
time, attempt counts and the jitter roll come in as values (see LIMITS.md for the rules).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from plansync.transport.settings import TransportSettings

# Methods whose repetition does no harm (PUT/PATCH/DELETE set a state; POST makes a new thing).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
SECONDARY = re.compile(r"\bsecondary rate\b", re.IGNORECASE)


class Failure(enum.Enum):
    """How an attempt failed without an answer."""

    CONNECT = "could not connect"  # refused or connect timeout: the request was never sent
    READ_TIMEOUT = "no answer in time"  # sent; the answer did not come in time
    RESET = "the connection dropped before the answer arrived"  # sent; no whole answer


@dataclass(frozen=True)
class Attempt:
    """One attempt's facts. `headers` have lower-case names; `now` is epoch seconds."""

    method: str
    status: int | None = None
    failure: Failure | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""  # needed only for 403/429 (the message) and 2xx (is it readable?)
    content_type: str = ""
    now: float = 0.0
    number: int = 1  # 1 for the first attempt of a request
    elapsed: float = 0.0  # seconds this request has spent on transient retries
    limited_before: int = 0  # rate-limit answers in a row before this one
    roll: float = 0.5  # uniform in [0, 1): the jitter


@dataclass(frozen=True)
class Done:
    """The answer stands (a success, or an error the client library reports)."""

    reason: str = ""


@dataclass(frozen=True)
class Retry:
    after_seconds: float
    reason: str
    limited: bool = False  # a rate-limit wait (does not count as transient retry time)


@dataclass(frozen=True)
class Stop:
    """Give up: a real error, or transient failures beyond the bounds."""

    reason: str


@dataclass(frozen=True)
class Unknown:
    """A non-idempotent request that may have taken effect; look before trying again."""

    reason: str


@dataclass(frozen=True)
class RateLimitStop:
    """A rate limit whose end (`resume_at`, epoch seconds) is beyond the run's longest wait."""

    resume_at: float
    reason: str


Decision = Done | Retry | Stop | Unknown | RateLimitStop


def decide(attempt: Attempt, settings: TransportSettings) -> Decision:
    """The decision for one attempt: the whole retry policy."""
    if attempt.failure is not None:
        sent = attempt.failure is not Failure.CONNECT
        return _transient(attempt, settings, attempt.failure.value, sent)
    status = attempt.status or 0
    if status in (403, 429):
        limited = _rate_limit(attempt, settings)
        if limited is not None:
            return limited
    if status in TRANSIENT_STATUS:
        return _transient(attempt, settings, f"{status} from the service", sent=True)
    if 200 <= status < 300 and malformed(attempt.body, attempt.content_type):
        return _transient(attempt, settings, "an unreadable answer", sent=True)
    if status >= 400:
        return Stop(f"{status} from the service")
    return Done()


def backoff(number: int, roll: float, settings: TransportSettings) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(n-1)))."""
    ceiling = min(settings.backoff_cap, settings.backoff_base * 2.0 ** max(0, number - 1))
    return ceiling * roll


def malformed(body: str, content_type: str) -> bool:
    """A 2xx that cannot be what the API sent: JSON that does not parse, or an HTML page
    (a proxy's or a load balancer's). An empty body (204, a bare 201) is fine."""
    kind = content_type.lower()
    if "html" in kind:
        return True
    if "json" not in kind or not body.strip():
        return False
    try:
        json.loads(body)
    except ValueError:
        return True
    return False


def _transient(attempt: Attempt, settings: TransportSettings, reason: str, sent: bool) -> Decision:
    if sent and attempt.method.upper() not in IDEMPOTENT:
        return Unknown(reason)  # the write may have happened: retrying could make a copy
    wait = backoff(attempt.number, attempt.roll, settings)
    spent = attempt.number >= settings.max_attempts
    if spent or attempt.elapsed + wait > settings.max_retry_seconds:
        return Stop(f"{reason} (gave up after {attempt.number} attempts)")
    return Retry(wait, reason)


def _rate_limit(attempt: Attempt, settings: TransportSettings) -> Decision | None:
    """GitHub primary and secondary limits, GitLab's 429; None for a plain 403."""
    headers = attempt.headers
    secondary = bool(SECONDARY.search(attempt.body))
    retry_after = _number(headers.get("retry-after"))
    github = "x-ratelimit-limit" in headers or "x-ratelimit-remaining" in headers
    what = "GitHub's rate limit" if github else "the service's rate limit"
    if "ratelimit-limit" in headers or "ratelimit-reset" in headers:
        what = "GitLab's rate limit"
    if secondary:
        what = "GitHub's secondary rate limit"
    if retry_after is not None:
        return _wait(attempt, settings, max(retry_after, 0.0), what)
    if headers.get("x-ratelimit-remaining") == "0" and not secondary:
        reset = _number(headers.get("x-ratelimit-reset"))
        if reset is not None:
            # +1 s: the reset is whole seconds, and a request at the reset may still be early
            return _wait(attempt, settings, max(reset + 1 - attempt.now, 1.0), what)
        secondary = True  # a spent limit with no reset: wait as for a secondary limit
    if secondary:
        growing = settings.secondary_min_wait * 2**attempt.limited_before
        return _wait(attempt, settings, growing, what)
    if attempt.status == 429:
        reset = _number(headers.get("ratelimit-reset"))
        if reset is not None and reset > attempt.now:
            return _wait(attempt, settings, reset - attempt.now, what)
        return _wait(attempt, settings, backoff(attempt.number, attempt.roll, settings), what)
    return None


def _wait(attempt: Attempt, settings: TransportSettings, seconds: float, what: str) -> Decision:
    """A refused request was not applied, so any method may wait and go again."""
    resume_at = attempt.now + seconds
    if seconds > settings.max_wait or attempt.limited_before + 1 >= settings.max_attempts:
        return RateLimitStop(resume_at, what)
    return Retry(seconds, what, limited=True)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP-date retry-after is rare on these APIs: treat it as absent
