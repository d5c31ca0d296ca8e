"""The seam with `responses`: request shapes, conditional GETs, pacing order on a fake clock,
budgets, reported waits, exactly one layer of retries, and verdicts turned into errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from plansync.errors import ProviderError
from plansync.transport import (
    EtagCache,
    OutcomeUnknown,
    RateLimited,
    Transport,
    TransportSettings,
    session_for,
)
from tests.transport.fakes import NO_PACING, FakeClock, Recorder

URL = "https://api.example.com/repos/o/r/issues"
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes."


def rig(
    settings: TransportSettings = NO_PACING, cache: EtagCache | None = None
) -> tuple[requests.Session, Transport, FakeClock, Recorder]:
    clock = FakeClock()
    waits = Recorder()
    transport = Transport(
        settings,
        clock=clock,
        sleep=clock.sleep,
        on_wait=waits,
        jitter=lambda: 0.5,
        cache=cache,
    )
    session = session_for(transport)
    session.headers["Authorization"] = "token secret-one"
    return session, transport, clock, waits


@responses.activate
def test_a_get_with_a_cached_etag_asks_if_none_match_and_a_304_gives_the_cached_200() -> None:
    cache = EtagCache(None)
    headers = {"ETag": 'W/"v1"', "Link": f'<{URL}?page=2>; rel="next"'}
    responses.get(URL, json=[{"number": 1}], headers=headers)
    responses.get(URL, status=304, headers={"ETag": 'W/"v1"', "x-ratelimit-remaining": "4999"})
    session, transport, _, _ = rig(cache=cache)

    first = session.get(URL)
    second = session.get(URL)

    assert "If-None-Match" not in responses.calls[0].request.headers
    assert responses.calls[1].request.headers["If-None-Match"] == 'W/"v1"'
    assert second.status_code == 200 and second.json() == first.json() == [{"number": 1}]
    assert second.links["next"]["url"] == f"{URL}?page=2"  # pagination keeps working
    assert second.headers["x-ratelimit-remaining"] == "4999"  # fresh headers win
    stats = transport.stats()
    assert (stats.requests, stats.not_modified, stats.charged) == (2, 1, 1)


@responses.activate
def test_a_clients_own_conditional_get_gets_its_304() -> None:
    responses.get(URL, status=304, headers={"ETag": '"x"'})
    session, _, _, _ = rig(cache=EtagCache(None))
    answer = session.get(URL, headers={"If-None-Match": '"x"'})
    assert answer.status_code == 304


@responses.activate
def test_another_token_never_uses_the_entry() -> None:
    cache = EtagCache(None)
    responses.get(URL, json=[], headers={"ETag": '"v1"'})
    responses.get(URL, json=[], headers={"ETag": '"v1"'})
    session, _, _, _ = rig(cache=cache)
    session.get(URL)
    session.get(URL, headers={"Authorization": "token secret-two"})
    assert "If-None-Match" not in responses.calls[1].request.headers


@responses.activate
def test_writes_are_paced_on_the_clock_and_reads_are_not() -> None:
    responses.post(URL, json={}, status=201)
    responses.get(URL, json=[])
    session, transport, clock, waits = rig(replace(NO_PACING, write_interval=1.0))
    session.post(URL, json={})
    session.get(URL)
    session.post(URL, json={})
    clock.now += 0.4
    session.post(URL, json={})
    assert clock.sleeps == [1.0, pytest.approx(0.6)]
    assert waits.waits == []  # short waits are silent
    assert transport.stats().writes == 3 and transport.stats().points == 16


@responses.activate
def test_a_full_budget_waits_and_reports_the_wait() -> None:
    responses.post(URL, json={}, status=201)
    settings = replace(NO_PACING, content_per_minute=2)
    session, _, clock, waits = rig(settings)
    start = clock.now
    for _ in range(3):
        session.post(URL, json={})
    assert clock.sleeps == [pytest.approx(60.0, abs=0.01)]
    [wait] = waits.waits
    assert wait.reason == "the budget of 2 writes a minute"
    assert wait.until == pytest.approx(start + 60, abs=0.01) and wait.seconds >= 60


@responses.activate
def test_a_502_on_a_get_is_retried_once_by_one_layer() -> None:
    responses.get(URL, status=502, json={"message": "Bad Gateway"})
    responses.get(URL, json=[{"number": 1}])
    session, transport, clock, _ = rig()
    assert session.get(URL).json() == [{"number": 1}]
    assert len(responses.calls) == 2 and clock.sleeps == [0.5]
    assert transport.stats().retries == 1


@responses.activate
def test_a_lasting_502_gives_the_last_answer_to_the_client_after_max_attempts() -> None:
    for _ in range(10):
        responses.get(URL, status=502, json={"message": "Bad Gateway"})
    session, _, clock, _ = rig(replace(NO_PACING, max_attempts=4))
    assert session.get(URL).status_code == 502
    assert len(responses.calls) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]  # full jitter, roll 0.5


@responses.activate
def test_a_post_with_a_server_error_is_not_repeated() -> None:
    responses.post(URL, status=503, json={"message": "Service Unavailable"})
    session, _, _, _ = rig()
    with pytest.raises(OutcomeUnknown) as caught:
        session.post(URL, json={"title": "x"})
    assert len(responses.calls) == 1
    assert isinstance(caught.value, ProviderError)
    assert str(caught.value).startswith("POST /repos/o/r/issues: 503 from the service")


@responses.activate
def test_a_dropped_connection_heals_a_get_and_makes_a_post_unknown() -> None:
    responses.get(URL, body=requests.ConnectionError("Connection aborted."))
    responses.get(URL, json=[])
    responses.post(URL, body=requests.ConnectionError("Connection aborted."))
    session, _, _, _ = rig()
    assert session.get(URL).json() == []
    with pytest.raises(OutcomeUnknown, match="dropped"):
        session.post(URL, json={})


@responses.activate
def test_a_post_that_never_connected_is_retried() -> None:
    refused = MaxRetryError(None, URL, NewConnectionError(None, "refused"))  # type: ignore[arg-type]
    responses.post(URL, body=requests.ConnectionError(refused))
    responses.post(URL, json={"number": 1}, status=201)
    session, _, _, _ = rig()
    assert session.post(URL, json={}).status_code == 201


@responses.activate
def test_a_secondary_limit_is_waited_out_even_for_a_post_and_reported() -> None:
    responses.post(URL, status=403, json={"message": SECONDARY})
    responses.post(URL, status=201, json={})
    session, _, clock, waits = rig()
    assert session.post(URL, json={}).status_code == 201
    assert clock.sleeps == [60.0]
    assert [w.reason for w in waits.waits] == ["GitHub's secondary rate limit"]


@responses.activate
def test_a_primary_limit_beyond_max_wait_stops_with_when_to_resume() -> None:
    session, _, clock, _ = rig()
    reset = int(clock.now) + 3600
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    responses.get(URL, status=403, json={"message": "API rate limit exceeded"}, headers=headers)
    with pytest.raises(RateLimited) as caught:
        session.get(URL)
    assert caught.value.resume_at == reset + 1
    assert "GitHub's rate limit is used up until" in str(caught.value)
    assert "run again after that" in str(caught.value)
    assert clock.sleeps == []


@responses.activate
def test_a_malformed_answer_to_a_get_is_read_again() -> None:
    responses.get(URL, body='[{"numb', content_type="application/json")
    responses.get(URL, json=[{"number": 1}])
    session, _, _, _ = rig()
    assert session.get(URL).json() == [{"number": 1}]


@responses.activate
def test_the_cache_file_survives_runs_and_holds_no_token(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "etags.json"
    responses.get(URL, json=[{"number": 1}], headers={"ETag": '"v1"'})
    responses.get(URL, status=304, headers={"ETag": '"v1"'})
    session, transport, _, _ = rig(cache=EtagCache(path))
    session.get(URL)
    transport.close()
    assert "secret-one" not in path.read_text()
    session, _, _, _ = rig(cache=EtagCache(path))
    assert session.get(URL).json() == [{"number": 1}]
    assert responses.calls[1].request.headers["If-None-Match"] == '"v1"'
