"""python-gitlab through the seam against the sandbox, on one fake time source shared by both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from plansync.engine.records import RemoteState
from plansync.providers.gitlab import GitLabProvider
from plansync.sandbox import Sandbox
from plansync.sandbox.clock import FakeTime
from plansync.transport import EtagCache, OutcomeUnknown, RateLimited, Transport
from tests.transport.fakes import NO_PACING, Recorder

PATH = "acme/widgets"


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sandbox(fake: FakeTime) -> Iterator[Sandbox]:
    with Sandbox(clock=fake) as sandbox:
        yield sandbox


def rig(
    sandbox: Sandbox, fake: FakeTime, cache: EtagCache | None = None, **settings: Any
) -> tuple[GitLabProvider, Transport, Recorder]:
    waits = Recorder()
    transport = Transport(
        replace(NO_PACING, **settings),
        clock=fake.time,
        sleep=fake.sleep,
        on_wait=waits,
        jitter=lambda: 0.5,
        cache=cache,
    )
    return GitLabProvider(sandbox.url, PATH, sandbox.token, transport), transport, waits


def titles(sandbox: Sandbox) -> list[str]:
    project = sandbox.gitlab_client().projects.get(PATH)
    return sorted(issue.title for issue in project.issues.list(get_all=True, state="all"))


def test_every_request_goes_through_the_seam(sandbox: Sandbox, fake: FakeTime) -> None:
    provider, transport, _ = rig(sandbox, fake)
    sandbox.reset_stats()
    created = provider.create_issue("One", "body", ("plan",), None, ())
    provider.update_issue(created.number, state=RemoteState.SKIPPED)
    provider.comment(created.number, "skipped")
    provider.snapshot("plan")
    assert provider.account() == "sandbox-user"
    sent = sandbox.stats()["requests"]
    assert sent >= 6 and transport.stats().requests == sent


def test_a_502_on_a_listing_and_on_a_put_heal(sandbox: Sandbox, fake: FakeTime) -> None:
    provider, transport, _ = rig(sandbox, fake)
    created = provider.create_issue("One", "", ("plan",), None, ())
    sandbox.set_faults("GET /projects/*/issues: 502 @1; PUT /projects/*/issues/*: 502 @1")
    assert [i.title for i in provider.snapshot("plan").issues] == ["One"]
    assert provider.update_issue(created.number, title="Renamed").title == "Renamed"
    assert transport.stats().retries == 2 and fake.sleeps == [0.5, 0.5]


def test_a_post_whose_answer_is_lost_raises_outcome_unknown(
    sandbox: Sandbox, fake: FakeTime
) -> None:
    provider, _, _ = rig(sandbox, fake)
    sandbox.set_faults("POST /projects/*/issues: lost-response @1")
    with pytest.raises(OutcomeUnknown):
        provider.create_issue("One", "", ("plan",), None, ())
    assert titles(sandbox) == ["One"]


def test_a_429_is_waited_out_once_by_the_seam(sandbox: Sandbox, fake: FakeTime) -> None:
    provider, transport, waits = rig(sandbox, fake)
    sandbox.set_limits({"gitlab": {"issues_per_minute": 1}})
    sandbox.reset_stats()
    provider.create_issue("One", "", ("plan",), None, ())
    provider.create_issue("Two", "", ("plan",), None, ())
    assert sandbox.stats()["requests"] == 3  # one refusal, one retry: no second layer
    assert transport.stats().retries == 1
    [wait] = fake.sleeps  # python-gitlab slept nothing
    assert 1 <= wait <= 61
    assert [w.reason for w in waits.waits] == ["GitLab's rate limit"]
    assert titles(sandbox) == ["One", "Two"]


def test_a_429_beyond_max_wait_stops_cleanly(sandbox: Sandbox, fake: FakeTime) -> None:
    provider, _, _ = rig(sandbox, fake, max_wait=10)
    sandbox.set_limits({"gitlab": {"issues_per_minute": 1}})
    provider.create_issue("One", "", ("plan",), None, ())
    with pytest.raises(RateLimited, match="GitLab's rate limit is used up until"):
        provider.create_issue("Two", "", ("plan",), None, ())
    assert fake.sleeps == []


def test_a_second_runs_listing_costs_304s(sandbox: Sandbox, fake: FakeTime, tmp_path: Path) -> None:
    provider, _, _ = rig(sandbox, fake)
    for n in range(3):
        provider.create_issue(f"Task {n}", "", ("plan",), None, ())
    cache_path = tmp_path / "etags.json"
    first, transport, _ = rig(sandbox, fake, cache=EtagCache(cache_path))
    before = first.snapshot("plan")
    transport.close()

    sandbox.reset_stats()
    second, _, _ = rig(sandbox, fake, cache=EtagCache(cache_path))
    assert second.snapshot("plan") == before
    stats = sandbox.stats()
    assert stats["requests"] == stats["not_modified"] == 3
    assert stats["rate_limit_points"] == 0
