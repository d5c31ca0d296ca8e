"""What the engine's recovery needs from a provider, checked on both against the sandbox with
the real clients: who the token is, who made an issue and when, recent issues, a milestone by
title, closing a duplicate, and files written only over the version that was read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from plansync.engine.records import RemoteState
from plansync.providers.base import FileConflict, Provider
from plansync.providers.github import GitHubProvider
from plansync.providers.gitlab import GitLabProvider
from plansync.sandbox import Sandbox
from plansync.sandbox.clock import FakeTime
from plansync.transport import Transport
from tests.transport.fakes import NO_PACING

REPO = "acme/site"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@dataclass
class Side:
    name: str
    sandbox: Sandbox
    time: FakeTime
    provider: Provider

    def requests(self) -> int:
        return int(self.sandbox.stats()["requests"])


@pytest.fixture(params=["github", "gitlab"])
def side(request: pytest.FixtureRequest) -> Iterator[Side]:
    fake = FakeTime()
    with Sandbox(clock=fake) as sandbox:
        transport = Transport(NO_PACING, clock=fake.time, sleep=fake.sleep)
        provider: Provider
        if request.param == "github":
            provider = GitHubProvider(sandbox.github_url, REPO, sandbox.token, transport)
        else:
            provider = GitLabProvider(sandbox.url, REPO, sandbox.token, transport)
        yield Side(request.param, sandbox, fake, provider)


def test_account_is_read_once(side: Side) -> None:
    assert side.provider.account() == "sandbox-user"
    before = side.requests()
    assert side.provider.account() == "sandbox-user"
    assert side.requests() == before


def test_issues_carry_their_author_and_creation_time(side: Side) -> None:
    created = side.provider.create_issue("One", "", ("plan",), None, ())
    [listed] = side.provider.snapshot("plan").issues
    assert created.author == listed.author == "sandbox-user"
    assert ISO.match(listed.created_at) and listed.created_at == created.created_at
    made = datetime.fromisoformat(listed.created_at.replace("Z", "+00:00"))
    assert abs(made.timestamp() - side.time.time()) < 2


def test_issues_since_lists_only_recently_updated_labelled_issues(side: Side) -> None:
    old = side.provider.create_issue("Old", "", ("plan",), None, ())
    side.time.advance(100)
    since = _iso(side.time.time())
    side.time.advance(5)
    new = side.provider.create_issue("New", "", ("plan",), None, ())
    side.provider.create_issue("Unlabelled", "", ("bug",), None, ())
    closed = side.provider.create_issue("Closed", "", ("plan",), None, ())
    side.provider.update_issue(closed.number, state=RemoteState.DONE)
    found = side.provider.issues_since("plan", since)
    assert sorted(i.number for i in found) == sorted([new.number, closed.number])
    assert old.number not in {i.number for i in found}


def test_find_milestone_by_title(side: Side) -> None:
    made = side.provider.create_milestone("Phase 1", "first")
    assert side.provider.find_milestone_by_title("Phase 1") == made
    assert side.provider.find_milestone_by_title("Phase") is None


def test_close_duplicate_comments_then_closes(side: Side) -> None:
    keep = side.provider.create_issue("Task", "", ("plan",), None, ())
    extra = side.provider.create_issue("Task", "", ("plan",), None, ())
    side.provider.close_duplicate(extra.number, keep, f"Duplicate of #{keep.number}")
    closed = side.provider.issue(extra.number)
    assert closed is not None and closed.state is not RemoteState.OPEN
    assert side.provider.issue(keep.number) == keep
    if side.name == "github":
        issue = side.sandbox.github_client().get_repo(REPO).get_issue(extra.number)
        assert issue.state_reason == "duplicate"
        assert [c.body for c in issue.get_comments()] == [f"Duplicate of #{keep.number}"]
    else:
        issue = side.sandbox.gitlab_client().projects.get(REPO).issues.get(extra.number)
        notes = [n.body for n in issue.notes.list(get_all=True) if not n.system]
        assert notes == [f"Duplicate of #{keep.number}"]


def test_files_are_written_only_over_the_version_read(side: Side) -> None:
    path = "docs/plan.md"
    assert side.provider.read_file(path) is None
    first = side.provider.write_file(path, "- [ ] one\n", None, "plansync: add plan")
    assert side.provider.read_file(path) == ("- [ ] one\n", first)
    second = side.provider.write_file(path, "- [x] one\n", first, "plansync: tick")
    assert second != first and side.provider.read_file(path) == ("- [x] one\n", second)
    with pytest.raises(FileConflict):
        side.provider.write_file(path, "- [ ] stale\n", first, "plansync: stale")
    with pytest.raises(FileConflict):
        side.provider.write_file(path, "- [ ] again\n", None, "plansync: create twice")
    assert side.provider.read_file(path) == ("- [x] one\n", second)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
