"""The seam: one requests adapter mounted under both providers' sessions, so every request
passes here. It paces writes, makes GETs conditional from the ETag cache, runs the retry
policy with tenacity (clock and sleep injected), counts, and turns verdicts into errors.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import tenacity
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ContentDecodingError
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from plansync.transport.errors import OutcomeUnknown, RateLimited
from plansync.transport.etags import WIRE_HEADERS, Entry, EtagCache
from plansync.transport.pacing import Pacer
from plansync.transport.policy import (
    Attempt,
    Decision,
    Failure,
    RateLimitStop,
    Retry,
    Unknown,
    decide,
)
from plansync.transport.settings import TransportSettings, TransportStats, Wait

READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _Call:
    """One request across its attempts."""

    request: requests.PreparedRequest
    options: dict[str, Any]
    start: float
    number: int = 0
    limited_seconds: float = 0.0  # rate-limit waits: not transient retry time

    @property
    def method(self) -> str:
        return (self.request.method or "GET").upper()


@dataclass
class _Result:
    decision: Decision
    response: requests.Response | None = None
    error: requests.RequestException | None = None


@dataclass
class _Counts:
    values: dict[str, int] = field(default_factory=dict)
    waited: float = 0.0
    quota_remaining: int | None = None
    quota_used: int | None = None

    def add(self, name: str, amount: int = 1) -> None:
        self.values[name] = self.values.get(name, 0) + amount


class Transport(HTTPAdapter):
    """Mount one instance on a provider's session (see plansync.transport.mount). It serves
    one run, one request at a time; call `save()` (or `close()`) at the end for the ETags."""

    def __init__(
        self,
        settings: TransportSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[Wait], None] | None = None,
        jitter: Callable[[], float] = random.random,
        cache: EtagCache | None = None,
    ) -> None:
        super().__init__(max_retries=0)  # urllib3 retries nothing: the policy decides
        self.settings = settings or TransportSettings()
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait
        self._jitter = jitter
        self._cache = cache
        self._pacer = Pacer.from_settings(self.settings)
        self._counts = _Counts()
        self._limited = 0  # rate-limit answers in a row, across requests

    def stats(self) -> TransportStats:
        c = self._counts
        return TransportStats(
            **{name: c.values.get(name, 0) for name in _COUNTED},
            quota_remaining=c.quota_remaining,
            quota_used=c.quota_used,
            waited_seconds=c.waited,
        )

    def save(self) -> None:
        """Write the ETag cache (atomically; a failure only costs full reads next time)."""
        if self._cache is not None:
            self._cache.save(self._clock())

    def close(self) -> None:
        super().close()
        self.save()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        timeout = self.settings.timeout if timeout is None else timeout
        options = {"stream": stream, "timeout": timeout, "verify": verify, "cert": cert}
        options["proxies"] = proxies
        call = _Call(request, options, self._clock())
        key, entry = self._conditional(call)
        retrying = tenacity.Retrying(
            sleep=self._sleep,
            stop=tenacity.stop_never,  # the policy bounds attempts and time itself
            wait=_planned_wait,
            retry=tenacity.retry_if_result(lambda result: isinstance(result.decision, Retry)),
            before_sleep=lambda state: self._before_retry(call, state),
            reraise=True,
        )
        result: _Result = retrying(self._attempt, call)
        return self._verdict(call, result, key, entry)

    def _attempt(self, call: _Call) -> _Result:
        if call.method not in READS:
            self._pace()
        call.number += 1
        self._count_request(call.method)
        try:
            response = super().send(call.request, **call.options)
            body = b"" if call.options["stream"] else response.content
        except requests.RequestException as error:
            failure = classify(error)
            if failure is None:
                raise
            return _Result(self._decide(call, failure=failure), error=error)
        self._observe(response)
        text = ""
        if response.status_code in (403, 429) or 200 <= response.status_code < 300:
            text = body.decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in response.headers.items()}
        decision = self._decide(
            call,
            status=response.status_code,
            headers=headers,
            body=text,
            content_type=headers.get("content-type", ""),
        )
        return _Result(decision, response=response)

    def _decide(self, call: _Call, **facts: Any) -> Decision:
        now = self._clock()
        attempt = Attempt(
            call.method,
            now=now,
            number=call.number,
            elapsed=now - call.start - call.limited_seconds,
            limited_before=self._limited,
            roll=self._jitter(),
            **facts,
        )
        decision = decide(attempt, self.settings)
        limited = isinstance(decision, RateLimitStop) or (
            isinstance(decision, Retry) and decision.limited
        )
        self._limited = self._limited + 1 if limited else 0
        return decision

    def _before_retry(self, call: _Call, state: tenacity.RetryCallState) -> None:
        decision = state.outcome.result().decision if state.outcome else None
        assert isinstance(decision, Retry)
        self._counts.add("retries")
        if decision.limited:
            call.limited_seconds += decision.after_seconds
        self._note_wait(decision.after_seconds, decision.reason)  # tenacity then sleeps

    def _verdict(
        self, call: _Call, result: _Result, key: str | None, entry: Entry | None
    ) -> requests.Response:
        decision = result.decision
        if isinstance(decision, RateLimitStop):
            raise RateLimited(decision.resume_at, decision.reason)
        if isinstance(decision, Unknown):
            path = urlsplit(str(call.request.url)).path  # never the query: it may hold secrets
            raise OutcomeUnknown(call.method, path, decision.reason)
        if result.error is not None:
            raise result.error
        assert result.response is not None
        if key is not None and self._cache is not None:
            if result.response.status_code == 304 and entry is not None:
                _serve_cached(result.response, entry)
                self._cache.touch(key, self._clock())
            else:
                self._cache.remember(key, result.response, self._clock())
        return result.response

    def _conditional(self, call: _Call) -> tuple[str | None, Entry | None]:
        """Add our validators to a GET, unless the client sent its own (then it wants the 304)."""
        headers = call.request.headers
        if self._cache is None or call.method != "GET" or call.options["stream"]:
            return None, None
        if "If-None-Match" in headers or "If-Modified-Since" in headers:
            return None, None
        key = EtagCache.key(call.request)
        entry = self._cache.lookup(key)
        # An ETag is exact; a date is whole seconds, so it is sent only when there is no ETag.
        if entry is not None and entry.etag:
            headers["If-None-Match"] = entry.etag
        elif entry is not None and entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
        return key, entry

    def _pace(self) -> None:
        for _ in range(20):  # each wait moves time on, so the pacer's answer shrinks to 0
            seconds, reason = self._pacer.delay(self._clock())
            if seconds <= 0:
                break
            self._note_wait(seconds, reason)
            self._sleep(seconds)
        self._pacer.record(self._clock())

    def _note_wait(self, seconds: float, reason: str) -> None:
        self._counts.waited += seconds
        if seconds >= self.settings.report_after and self._on_wait is not None:
            self._counts.add("waits")
            self._on_wait(Wait(reason, seconds, self._clock() + seconds))

    def _count_request(self, method: str) -> None:
        self._counts.add("requests")
        write = method not in READS
        self._counts.add("writes", int(write))
        self._counts.add("points", 5 if write else 1)

    def _observe(self, response: requests.Response) -> None:
        if response.status_code == 304:
            self._counts.add("not_modified")
        else:
            self._counts.add("charged")
        remaining = _integer(response.headers.get("x-ratelimit-remaining"))
        used = _integer(response.headers.get("x-ratelimit-used"))
        if remaining is not None:
            self._counts.quota_remaining = remaining
        if used is not None:
            self._counts.quota_used = used


_COUNTED = ("requests", "writes", "retries", "not_modified", "points", "charged", "waits")


def classify(error: requests.RequestException) -> Failure | None:
    """The failure kind of a requests error; None for errors no retry can heal."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return Failure.CONNECT
    if isinstance(error, requests.exceptions.ReadTimeout):
        return Failure.READ_TIMEOUT
    if isinstance(error, (requests.exceptions.SSLError, requests.exceptions.InvalidURL)):
        return None
    if isinstance(error, requests.exceptions.ConnectionError):
        cause = error.args[0] if error.args else None
        reason = getattr(cause, "reason", None)
        if isinstance(reason, NameResolutionError):
            return None  # a wrong host name: waiting will not fix it
        if isinstance(reason, (NewConnectionError, ConnectTimeoutError)):
            return Failure.CONNECT  # refused or never connected: nothing was sent
        return Failure.RESET
    if isinstance(error, (ChunkedEncodingError, ContentDecodingError)):
        return Failure.RESET  # the answer was cut short
    return None


def _planned_wait(state: tenacity.RetryCallState) -> float:
    decision = state.outcome.result().decision if state.outcome else None
    return decision.after_seconds if isinstance(decision, Retry) else 0.0


def _serve_cached(response: requests.Response, entry: Entry) -> None:
    """Turn our conditional GET's 304 into the 200 it stands for, so clients paginate as usual."""
    body = entry.body.encode("utf-8")
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(entry.headers)
    for name, value in response.headers.items():
        if name.lower() not in WIRE_HEADERS:
            headers[name] = value  # fresh rate-limit headers, date, the same ETag
    headers["Content-Length"] = str(len(body))
    response.status_code = 200
    response.reason = "OK"
    response.headers = headers
    response._content = body
    response.encoding = "utf-8"


def _integer(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
