"""Both providers read their issue listings as JSON (no client object per issue): the records
must be exactly those the client libraries' objects gave, over several pages, asked for with
the same URLs (so ETags cached by an earlier version still match), and writes to a listed
issue must still work without reading it again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import gitlab
import pytest
import requests
from github import Auth, Github

from plansync.engine.records import RemoteState
from plansync.errors import ProviderError
from plansync.providers import github_json
from plansync.providers import gitlab as gitlab_provider
from plansync.providers.github import GitHubProvider, _issue
from plansync.providers.gitlab import GitLabProvider
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import Transport, mount_pygithub
from plansync.transport.mount import session_for
from tests.transport.fakes import NO_PACING

REPO = "acme/site"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    fake = FakeTime()
    with Sandbox(clock=fake) as running:
        running.set_limits(
            {
                "github": {"content_per_minute": 10**6, "content_per_hour": 10**6},
                "gitlab": {"issues_per_minute": 10**6, "requests_per_minute": 10**6},
            }
        )
        yield running


class Recording(Transport):
    """The seam, noting the exact URL of every request (the ETag cache's key)."""

    def __init__(self, sandbox: Sandbox) -> None:
        fake = sandbox.clock.source
        super().__init__(NO_PACING, clock=fake.time, sleep=fake.sleep)
        self.urls: list[str] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.urls.append(str(request.url))
        return super().send(request, *args, **kwargs)


def test_github_records_equal_those_of_pygithub_objects_over_pages(sandbox: Sandbox) -> None:
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
    before = Recording(sandbox)
    client = Github(
        base_url=sandbox.github_url, auth=Auth.Token(sandbox.token), per_page=100, lazy=True
    )
    mount_pygithub(client, before)
    expected = [_issue(i) for i in client.get_repo(REPO).get_issues(state="all", labels=["plan"])]
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert list(client.get_repo(REPO).get_issues(state="all", labels=["plan"], since=since))
    now = Recording(sandbox)
    provider = GitHubProvider(sandbox.github_url, REPO, sandbox.token, now)
    listed = provider.snapshot("plan").issues
    assert provider.issues_since("plan", "2000-01-01T00:00:00Z") == listed
    # two pages of issues, milestones, labels, two pages of recent issues
    assert now.urls[:2] == before.urls[:2] and now.urls[4:] == before.urls[2:]
    assert list(listed) == expected
    assert len(listed) == 103
    assert {i.state for i in listed} == set(RemoteState)
    assert any(i.milestone == milestone.number and i.assignees for i in listed)


def test_a_listed_github_issue_is_written_without_being_read_again(sandbox: Sandbox) -> None:
    repo = sandbox.github_client().get_repo(REPO)
    number = repo.create_issue("Task", labels=["plan"]).number
    provider = GitHubProvider(sandbox.github_url, REPO, sandbox.token, Recording(sandbox))
    provider.snapshot("plan")
    sandbox.reset_stats()
    updated = provider.update_issue(number, title="Renamed", state=RemoteState.DONE)
    assert (updated.title, updated.state) == ("Renamed", RemoteState.DONE)
    assert sandbox.stats()["requests"] == 1  # the PATCH alone
    assert repo.get_issue(number).title == "Renamed"


def test_gitlab_records_equal_those_of_python_gitlab_objects_over_pages(
    sandbox: Sandbox,
) -> None:
    project: Any = sandbox.gitlab_client().projects.get(REPO)
    milestone = project.milestones.create({"title": "Phase 1"})
    for n in range(103):
        labels = ["plan", "effort: small"] if n % 2 else ["plan"]
        issue = project.issues.create(
            {"title": f"Task {n}", "description": f"body {n}" if n % 3 else "", "labels": labels}
        )
        if n % 4 == 0:
            issue.milestone_id = milestone.id
            issue.save()
        if n % 5 == 2:
            issue.state_event = "close"
            issue.save()
    project.issues.create({"title": "Not ours", "labels": ["bug"]})
    before = Recording(sandbox)
    client = gitlab.Gitlab(sandbox.url, private_token=sandbox.token, session=session_for(before))
    lazy = client.projects.get(REPO, lazy=True)
    objects = lazy.issues.list(labels=["plan"], state="all", **gitlab_provider.PAGE)
    expected = [gitlab_provider._issue(i.attributes) for i in objects]
    now = Recording(sandbox)
    listed = GitLabProvider(sandbox.url, REPO, sandbox.token, now).snapshot("plan").issues
    assert now.urls[:2] == before.urls
    assert list(listed) == expected
    assert len(listed) == 103
    assert any(i.milestone == milestone.id for i in listed)
    assert {i.state for i in listed} == {RemoteState.OPEN, RemoteState.DONE}


class _Answers:
    """A stand-in for PyGithub's Requester that answers each GET with the next page."""

    def __init__(self, *pages: object) -> None:
        self.pages = list(pages)

    def requestJsonAndCheck(self, *args: object, **kwargs: object) -> tuple[dict[str, str], Any]:
        link = '<https://x/issues?page=2>; rel="next"' if len(self.pages) > 1 else ""
        return {"link": link}, self.pages.pop(0)


@pytest.mark.parametrize("page", [{"message": "odd"}, ["a string"], [None]])
def test_a_listing_that_is_not_a_list_of_objects_is_one_clear_error(page: object) -> None:
    with pytest.raises(ProviderError, match="GitHub sent a listing plansync cannot read"):
        list(github_json.pages(_Answers([{"number": 1}], page), "https://x/issues", {}))  # type: ignore[arg-type]


def test_pages_follow_the_next_link_until_there_is_none() -> None:
    answers = _Answers([{"number": 1}], [{"number": 2}], [{"number": 3}])
    found = list(github_json.pages(answers, "https://x/issues", {}))  # type: ignore[arg-type]
    assert [issue["number"] for issue in found] == [1, 2, 3]
