"""PyGithub through the seam against the sandbox, on one fake time source shared by both:
a wait moves virtual time at once, and the tests assert the waits asked for, never elapsed time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from plansync.engine.records import RemoteState
from plansync.errors import ProviderError
from plansync.providers.github import GitHubProvider
from plansync.sandbox import Sandbox
from plansync.sandbox.clock import FakeTime
from plansync.transport import EtagCache, OutcomeUnknown, RateLimited, Transport
from tests.transport.fakes import NO_PACING, Recorder

REPO = "acme/site"


@dataclass
class Rig:
    sandbox: Sandbox
    time: FakeTime
    transport: Transport
    waits: Recorder
    provider: GitHubProvider

    def titles(self) -> list[str]:
        repo = self.sandbox.github_client().get_repo(REPO)
        return sorted(issue.title for issue in repo.get_issues(state="all"))


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sandbox(fake: FakeTime) -> Iterator[Sandbox]:
    with Sandbox(clock=fake) as sandbox:
        yield sandbox


def rig(sandbox: Sandbox, fake: FakeTime, cache: EtagCache | None = None, **settings: Any) -> Rig:
    waits = Recorder()
    transport = Transport(
        replace(NO_PACING, **settings),
        clock=fake.time,
        sleep=fake.sleep,
        on_wait=waits,
        jitter=lambda: 0.5,
        cache=cache,
    )
    provider = GitHubProvider(sandbox.github_url, REPO, sandbox.token, transport)
    return Rig(sandbox, fake, transport, waits, provider)


def test_every_request_of_the_provider_goes_through_the_seam(
    sandbox: Sandbox, fake: FakeTime
) -> None:
    """Fails if PyGithub stops building its session where mount_pygithub hooks in."""
    r = rig(sandbox, fake)
    sandbox.reset_stats()
    created = r.provider.create_issue("One", "body", ("plan",), None, ())
    r.provider.update_issue(created.number, state=RemoteState.DONE)
    r.provider.comment(created.number, "done")
    r.provider.snapshot("plan")
    assert r.provider.account() == "sandbox-user"
    sent = sandbox.stats()["requests"]
    assert sent >= 6 and r.transport.stats().requests == sent


def test_a_502_on_a_listing_heals_within_the_call(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake)
    r.provider.create_issue("One", "", ("plan",), None, ())
    sandbox.set_faults("GET /repos/*/issues: 502 @1")
    assert [i.title for i in r.provider.snapshot("plan").issues] == ["One"]
    assert r.transport.stats().retries == 1 and fake.sleeps == [0.5]


def test_a_502_on_a_patch_heals(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake)
    created = r.provider.create_issue("One", "", ("plan",), None, ())
    sandbox.set_faults("PATCH /repos/*/issues/*: 502 @1")
    updated = r.provider.update_issue(created.number, title="Renamed")
    assert updated.title == "Renamed" and r.titles() == ["Renamed"]


def test_a_reset_and_a_malformed_answer_on_reads_heal(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake)
    r.provider.create_issue("One", "", ("plan",), None, ())
    sandbox.set_faults("GET /repos/*/issues: reset @1; GET /repos/*/milestones: malformed @1")
    assert len(r.provider.snapshot("plan").issues) == 1
    assert r.transport.stats().retries == 2


def test_a_post_whose_answer_is_lost_raises_outcome_unknown_and_is_not_repeated(
    sandbox: Sandbox, fake: FakeTime
) -> None:
    r = rig(sandbox, fake)
    sandbox.set_faults("POST /repos/*/issues: lost-response @1")
    with pytest.raises(OutcomeUnknown) as caught:
        r.provider.create_issue("One", "", ("plan",), None, ())
    assert caught.value.method == "POST" and caught.value.path.endswith("/repos/acme/site/issues")
    assert r.titles() == ["One"]  # applied once, never twice
    assert sandbox.token not in str(caught.value)


def test_a_lasting_failure_of_a_read_is_one_clear_provider_error(
    sandbox: Sandbox, fake: FakeTime
) -> None:
    r = rig(sandbox, fake, max_attempts=3)
    sandbox.set_faults("GET /repos/*/issues: malformed")
    with pytest.raises(ProviderError, match="GitHub sent an answer plansync cannot read"):
        r.provider.snapshot("plan")
    sandbox.set_faults("GET /repos/*/issues: reset")
    with pytest.raises(ProviderError, match="cannot reach GitHub to list issues"):
        r.provider.snapshot("plan")


def test_a_secondary_limit_with_retry_after_is_waited_out(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake)
    sandbox.set_limits(content_per_minute=2, secondary_retry_after=75)
    for title in ("One", "Two", "Three"):
        r.provider.create_issue(title, "", ("plan",), None, ())
    assert r.titles() == ["One", "Three", "Two"]
    assert fake.sleeps == [75.0]
    assert [w.reason for w in r.waits.waits] == ["GitHub's secondary rate limit"]


def test_a_secondary_limit_without_retry_after_waits_a_minute_then_longer(
    sandbox: Sandbox, fake: FakeTime
) -> None:
    """A proxy that drops retry-after (faults come from anything between us and the service)."""
    r = rig(sandbox, fake)
    _strip_header(r.transport, "retry-after")
    sandbox.set_limits(content_per_minute=1, secondary_retry_after=60)
    for title in ("One", "Two"):
        r.provider.create_issue(title, "", ("plan",), None, ())
    assert fake.sleeps == [60.0]  # the minute window of the first write has passed
    sandbox.set_limits(content_per_minute=1, content_per_hour=2)
    with pytest.raises(RateLimited, match="GitHub's secondary rate limit is used up until"):
        r.provider.comment(1, "a third write: the hour budget refuses it for an hour")
    # each repeat waits twice as long; the next (960 s) is beyond max_wait, so the run stops
    assert fake.sleeps == [60.0, 60.0, 120.0, 240.0, 480.0]


def test_a_primary_limit_within_max_wait_is_waited_out(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake)
    sandbox.set_limits(rate_limit=2, rate_limit_window=300)
    start = fake.time()
    r.provider.snapshot("plan")  # issues and milestones: 2 points; labels: refused, then waited
    [wait] = r.waits.waits
    assert wait.reason == "GitHub's rate limit"
    assert 290 <= wait.seconds <= 302 and fake.time() >= start + 290


def test_a_primary_limit_beyond_max_wait_stops_cleanly(sandbox: Sandbox, fake: FakeTime) -> None:
    r = rig(sandbox, fake, max_wait=900)
    sandbox.set_limits(rate_limit=1, rate_limit_window=3600)
    r.provider.create_issue("One", "", ("plan",), None, ())
    with pytest.raises(RateLimited) as caught:
        r.provider.create_issue("Two", "", ("plan",), None, ())
    assert fake.time() - 1 < caught.value.resume_at <= fake.time() + 3602
    assert "run again after that" in str(caught.value) and fake.sleeps == []
    sandbox.set_limits(rate_limit=5000)  # the check below reads with the same token
    assert r.titles() == ["One"]


def test_a_second_runs_listing_costs_304s_and_no_primary_points(
    sandbox: Sandbox, fake: FakeTime, tmp_path: Path
) -> None:
    issues = [{"title": f"Task {n}", "labels": ["plan"]} for n in range(150)]
    sandbox.seed({"repos": {REPO: {"issues": issues, "labels": [{"name": "plan"}]}}})
    cache_path = tmp_path / "etags.json"
    first = rig(sandbox, fake, cache=EtagCache(cache_path))
    before = first.provider.snapshot("plan")
    first.transport.close()

    sandbox.reset_stats()
    second = rig(sandbox, fake, cache=EtagCache(cache_path))
    after = second.provider.snapshot("plan")
    stats = sandbox.stats()
    assert after == before and len(after.issues) == 150
    assert stats["requests"] == stats["not_modified"] >= 3  # two pages of issues at least
    assert stats["rate_limit_points"] == 0
    assert second.transport.stats().charged == 0


def _strip_header(transport: Transport, name: str) -> None:
    """Drop a response header before the seam sees it, as a proxy might."""

    def build_response(request: requests.PreparedRequest, raw: Any) -> requests.Response:
        response = HTTPAdapter.build_response(transport, request, raw)
        response.headers.pop(name, None)
        return response

    transport.build_response = build_response  # type: ignore[method-assign]
