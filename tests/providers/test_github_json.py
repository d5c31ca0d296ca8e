"""The GitHub provider reads its listings as JSON (no PyGithub object per issue): the records
must be exactly those PyGithub's objects gave, over several pages, and writes to a listed
issue must still work without reading it again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plansync.engine.records import RemoteState
from plansync.providers.github import GitHubProvider, _issue
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import Transport
from tests.transport.fakes import NO_PACING

REPO = "acme/site"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    fake = FakeTime()
    with Sandbox(clock=fake) as running:
        running.set_limits(content_per_minute=10**6, content_per_hour=10**6)
        yield running


def _provider(sandbox: Sandbox) -> GitHubProvider:
    fake = sandbox.clock.source
    transport = Transport(NO_PACING, clock=fake.time, sleep=fake.sleep)
    return GitHubProvider(sandbox.github_url, REPO, sandbox.token, transport)


def test_listed_records_equal_those_of_pygithub_objects_over_pages(sandbox: Sandbox) -> None:
    repo = sandbox.github_client().get_repo(REPO)
    milestone = repo.create_milestone("Phase 1", description="first")
    for n in range(103):  # more than one page of 100
        labels = ["plan", "effort: small"] if n % 2 else ["plan"]
        issue = repo.create_issue(f"Task {n}", body=f"body {n}" if n % 3 else "", labels=labels)
        if n % 4 == 0:
            issue.edit(milestone=milestone, assignees=["sandbox-user"])
        if n % 5 == 1:
            issue.edit(state="closed", state_reason="not_planned")
        elif n % 5 == 2:
            issue.edit(state="closed")
    repo.create_issue("Not ours", labels=["bug"])
    expected = [_issue(i) for i in repo.get_issues(state="all", labels=["plan"])]
    listed = _provider(sandbox).snapshot("plan").issues
    assert list(listed) == expected
    assert len(listed) == 103
    assert {i.state for i in listed} == set(RemoteState)
    assert any(i.milestone == milestone.number and i.assignees for i in listed)


def test_a_listed_issue_is_written_without_being_read_again(sandbox: Sandbox) -> None:
    repo = sandbox.github_client().get_repo(REPO)
    number = repo.create_issue("Task", labels=["plan"]).number
    provider = _provider(sandbox)
    provider.snapshot("plan")
    sandbox.reset_stats()
    updated = provider.update_issue(number, title="Renamed", state=RemoteState.DONE)
    assert (updated.title, updated.state) == ("Renamed", RemoteState.DONE)
    assert sandbox.stats()["requests"] == 1  # the PATCH alone
    assert repo.get_issue(number).title == "Renamed"
