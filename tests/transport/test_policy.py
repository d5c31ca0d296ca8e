"""The retry policy as tables: literal cases for each rule, then recorded real answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.transport.policy import (
    Attempt,
    Decision,
    Done,
    Failure,
    RateLimitStop,
    Retry,
    Stop,
    Unknown,
    backoff,
    decide,
    malformed,
)
from plansync.transport.settings import TransportSettings
from tests.transport import recorded

NOW = 1_800_000_000.0
S = TransportSettings()
JSON = "application/json; charset=utf-8"
SECONDARY = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from "
    "content creation. Please retry your request again later."
)
PRIMARY = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000"}


def at(method: str = "GET", **facts: object) -> Attempt:
    return Attempt(method, now=NOW, roll=0.5, **facts)  # type: ignore[arg-type]


CASES: list[tuple[str, Attempt, Decision]] = [
    ("a 200", at(status=200, body="{}", content_type=JSON), Done()),
    ("a 204 with no body", at("DELETE", status=204), Done()),
    ("a 304", at(status=304), Done()),
    (
        "a 404 is the caller's",
        at(status=404, body='{"message":"Not Found"}'),
        Stop("404 from the service"),
    ),
    ("a 422 is the caller's", at("POST", status=422), Stop("422 from the service")),
    ("a plain 403", at(status=403, body='{"message":"Forbidden"}'), Stop("403 from the service")),
    # transient: idempotent methods retry with backoff (roll 0.5 of base 1 * 2**0)
    ("502 GET", at(status=502), Retry(0.5, "502 from the service")),
    ("503 PATCH", at("PATCH", status=503), Retry(0.5, "503 from the service")),
    ("504 PUT, third attempt", at("PUT", status=504, number=3), Retry(2.0, "504 from the service")),
    ("500 DELETE", at("DELETE", status=500), Retry(0.5, "500 from the service")),
    ("read timeout GET", at(failure=Failure.READ_TIMEOUT), Retry(0.5, "no answer in time")),
    ("reset GET", at(failure=Failure.RESET), Retry(0.5, Failure.RESET.value)),
    # POST: unknown unless it was certainly never sent
    ("502 POST", at("POST", status=502), Unknown("502 from the service")),
    ("reset POST", at("POST", failure=Failure.RESET), Unknown(Failure.RESET.value)),
    ("read timeout POST", at("POST", failure=Failure.READ_TIMEOUT), Unknown("no answer in time")),
    ("refused POST", at("POST", failure=Failure.CONNECT), Retry(0.5, "could not connect")),
    (
        "truncated JSON on POST",
        at("POST", status=201, body='{"id": 1, "ti', content_type=JSON),
        Unknown("an unreadable answer"),
    ),
    (
        "a proxy's HTML page on GET",
        at(status=200, body="<html>", content_type="text/html"),
        Retry(0.5, "an unreadable answer"),
    ),
    # bounds
    (
        "sixth attempt",
        at(status=502, number=6),
        Stop("502 from the service (gave up after 6 attempts)"),
    ),
    (
        "out of time",
        at(status=502, number=2, elapsed=119.5),
        Stop("502 from the service (gave up after 2 attempts)"),
    ),
    # GitHub primary
    (
        "primary, reset soon",
        at(status=403, headers={**PRIMARY, "x-ratelimit-reset": str(int(NOW) + 100)}),
        Retry(101.0, "GitHub's rate limit", limited=True),
    ),
    (
        "primary 429 on a POST",
        at("POST", status=429, headers={**PRIMARY, "x-ratelimit-reset": str(int(NOW) + 10)}),
        Retry(11.0, "GitHub's rate limit", limited=True),
    ),
    (
        "primary, reset past (clock skew)",
        at(status=403, headers={**PRIMARY, "x-ratelimit-reset": str(int(NOW) - 50)}),
        Retry(1.0, "GitHub's rate limit", limited=True),
    ),
    (
        "primary beyond max_wait",
        at(status=403, headers={**PRIMARY, "x-ratelimit-reset": str(int(NOW) + 3000)}),
        RateLimitStop(NOW + 3001, "GitHub's rate limit"),
    ),
    # GitHub secondary
    (
        "secondary with retry-after",
        at(
            "POST",
            status=403,
            body=SECONDARY,
            headers={"retry-after": "30", "x-ratelimit-remaining": "4000"},
        ),
        Retry(30.0, "GitHub's secondary rate limit", limited=True),
    ),
    (
        "secondary 429 without retry-after",
        at("POST", status=429, body=SECONDARY),
        Retry(60.0, "GitHub's secondary rate limit", limited=True),
    ),
    (
        "secondary again: grows",
        at("PATCH", status=403, body=SECONDARY, limited_before=2),
        Retry(240.0, "GitHub's secondary rate limit", limited=True),
    ),
    (
        "secondary growing past max_wait",
        at("POST", status=403, body=SECONDARY, limited_before=4),
        RateLimitStop(NOW + 960, "GitHub's secondary rate limit"),
    ),
    (
        "retry-after on a 403 without the message",
        at(status=403, headers={"retry-after": "5"}),
        Retry(5.0, "the service's rate limit", limited=True),
    ),
    # GitLab 429
    (
        "gitlab retry-after",
        at(
            "POST",
            status=429,
            body="Retry later",
            headers={"retry-after": "12", "ratelimit-reset": str(int(NOW) + 40)},
        ),
        Retry(12.0, "GitLab's rate limit", limited=True),
    ),
    (
        "gitlab reset only",
        at("POST", status=429, headers={"ratelimit-reset": str(int(NOW) + 40)}),
        Retry(40.0, "GitLab's rate limit", limited=True),
    ),
    (
        "a bare 429: backoff",
        at("POST", status=429),
        Retry(0.5, "the service's rate limit", limited=True),
    ),
    (
        "too many rate limits in a row",
        at(status=429, headers={"retry-after": "1"}, limited_before=5),
        RateLimitStop(NOW + 1, "the service's rate limit"),
    ),
]


@pytest.mark.parametrize(("attempt", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_decisions(attempt: Attempt, expected: Decision) -> None:
    assert decide(attempt, S) == expected


def test_max_wait_and_bounds_are_settings() -> None:
    reset = {**PRIMARY, "x-ratelimit-reset": str(int(NOW) + 3000)}
    assert isinstance(decide(at(status=403, headers=reset), replace(S, max_wait=4000)), Retry)
    assert isinstance(decide(at(status=502, number=2), replace(S, max_attempts=2)), Stop)
    assert decide(at(status=502, number=1), replace(S, max_retry_seconds=0.1)) == Stop(
        "502 from the service (gave up after 1 attempts)"
    )


@settings(deadline=None)
@given(number=st.integers(1, 40), roll=st.floats(0, 1, exclude_max=True))
def test_backoff_is_full_jitter_under_the_cap(number: int, roll: float) -> None:
    wait = backoff(number, roll, S)
    assert 0 <= wait < S.backoff_cap + 1e-9
    assert wait <= S.backoff_base * 2 ** (number - 1)


def test_malformed_bodies() -> None:
    assert malformed('{"a": ', JSON) and malformed("<!doctype html>", "text/html")
    assert not malformed("", JSON) and not malformed("plain text", "text/plain")
    assert not malformed('[{"a": 1}]', "application/json")


# --- recorded real answers ---------------------------------------------------------------------


def test_pygithub_recorded_primary_limit_without_reset_waits_a_minute(shared: Path) -> None:
    replay = shared / "apispec" / "pygithub-replay"
    ok, refused = recorded.pygithub(replay / "SpecificExceptions.testRateLimitExceeded.txt")
    assert decide(_from(ok), S) == Done()  # remaining 0 on a 200: the answer stands
    # 2013: "API Rate Limit Exceeded", remaining 0 and no x-ratelimit-reset
    assert refused.status == 403 and "x-ratelimit-reset" not in refused.headers
    assert decide(_from(refused), S) == Retry(60.0, "GitHub's rate limit", limited=True)


def test_pygithub_recorded_304_and_rate_limit_reads(shared: Path) -> None:
    replay = shared / "apispec" / "pygithub-replay"
    for name in (
        "ConditionalRequestUpdate.testDidNotUpdate.txt",
        "RateLimiting.testRateLimiting.txt",
    ):
        for exchange in recorded.pygithub(replay / name):
            assert decide(_from(exchange), S) == Done(), exchange


def test_octokit_recorded_errors_scenario(shared: Path) -> None:
    path = (
        shared / "apispec" / "octokit-fixtures" / "api.github.com" / "errors" / "raw-fixture.json"
    )
    decisions = [(e.method, e.status, decide(_from(e), S)) for e in recorded.octokit(path)]
    assert decisions == [
        ("POST", 201, Done()),
        ("POST", 422, Stop("422 from the service")),  # invalid label colour: the caller's error
        ("DELETE", 204, Done()),
    ]


def test_every_recorded_github_success_stands(shared: Path) -> None:
    root = shared / "apispec" / "octokit-fixtures" / "api.github.com"
    exchanges = [e for path in root.glob("*/raw-fixture.json") for e in recorded.octokit(path)]
    assert len(exchanges) > 50
    for exchange in exchanges:
        expected: Decision = (
            Done() if exchange.status < 400 else Stop(f"{exchange.status} from the service")
        )
        assert decide(_from(exchange), S) == expected, (exchange.source, exchange.path)


def test_gitlab_recorded_answers(shared: Path) -> None:
    root = shared / "apispec" / "gitlab-recorded-ogr"
    exchanges = [e for path in sorted(root.rglob("*.yaml")) for e in recorded.ogr(path)]
    statuses = {e.status for e in exchanges}
    assert {200, 201, 401, 403, 404} <= statuses
    for exchange in exchanges:
        # a 403 with RateLimit-* headers and quota left is a refusal, not a rate limit
        expected: Decision = (
            Done() if exchange.status < 400 else Stop(f"{exchange.status} from the service")
        )
        assert decide(_from(exchange), S) == expected, (exchange.source, exchange.path)


def _from(exchange: recorded.Exchange) -> Attempt:
    return Attempt(
        exchange.method,
        status=exchange.status,
        headers=exchange.headers,
        body=exchange.body,
        content_type=exchange.headers.get("content-type", ""),
        now=NOW,
    )
