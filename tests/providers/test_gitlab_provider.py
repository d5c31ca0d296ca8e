"""The GitLab provider against the sandbox over HTTP, plus request shapes checked with responses."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import gitlab
import pytest
import responses

from plansync.engine.records import RemoteIssue, RemoteState
from plansync.errors import ProviderError
from plansync.providers.gitlab import NOT_PLANNED, GitLabProvider
from plansync.sandbox import Sandbox
from plansync.transport import OutcomeUnknown, Transport
from tests.transport.fakes import NO_PACING, FakeClock, fast_transport

PATH = "acme/widgets"


@pytest.fixture
def sandbox(plansync_sandbox: Sandbox) -> Sandbox:
    return plansync_sandbox


@pytest.fixture
def provider(sandbox: Sandbox) -> GitLabProvider:
    return GitLabProvider(sandbox.url, PATH, sandbox.token, fast_transport())


@pytest.fixture
def project(sandbox: Sandbox) -> Any:
    """The same project through plain python-gitlab, to arrange data and read it back."""
    return sandbox.gitlab_client().projects.get(PATH)


def raw_labels(project: Any, iid: int) -> list[str]:
    return list(project.issues.get(iid).labels)


def routes(sandbox: Sandbox) -> dict[str, int]:
    by_route: dict[str, int] = sandbox.stats()["by_route"]
    return by_route


def test_snapshot_lists_each_kind_once(
    sandbox: Sandbox, provider: GitLabProvider, project: Any
) -> None:
    v1 = project.milestones.create(
        {"title": "v1", "description": "first", "due_date": "2030-01-02"}
    )
    old = project.milestones.create({"title": "v0"})
    old.state_event = "close"
    old.save()
    project.labels.create({"name": "spare", "color": "#123456"})
    first = project.issues.create(
        {"title": "Parser", "description": "Body", "labels": "plan,bug", "milestone_id": v1.id}
    )
    done = project.issues.create({"title": "Done", "labels": "plan"})
    done.state_event = "close"
    done.save()
    project.issues.create({"title": "Unplanned", "labels": "bug"})
    sandbox.reset_stats()

    snapshot = provider.snapshot("plan")

    assert routes(sandbox) == {
        "GET /projects/{project}/issues": 1,
        "GET /projects/{project}/milestones": 1,
        "GET /projects/{project}/labels": 1,
    }
    assert sorted(i.title for i in snapshot.issues) == ["Done", "Parser"]
    parser = snapshot.issue(first.iid)
    assert parser == RemoteIssue(
        number=first.iid,
        id=first.id,
        title="Parser",
        body="Body",
        state=RemoteState.OPEN,
        labels=("bug", "plan"),
        milestone=v1.id,
        assignees=(),
        url=first.web_url,
        author=first.author["username"],
        created_at=first.created_at[:19] + "Z",  # seconds, UTC, like the GitHub provider
    )
    closed = snapshot.issue(done.iid)
    assert closed is not None and closed.state is RemoteState.DONE
    milestones = {m.title: m for m in snapshot.milestones}
    assert milestones["v1"].number == v1.id
    assert milestones["v1"].description == "first"
    assert milestones["v1"].due_on == "2030-01-02"
    assert milestones["v1"].open and not milestones["v0"].open
    assert set(snapshot.labels) == {"plan", "bug", "spare"}


def test_create_then_update_in_one_put(
    sandbox: Sandbox, provider: GitLabProvider, project: Any
) -> None:
    v1 = provider.create_milestone("v1", "first")
    v2 = provider.create_milestone("v2", "")
    created = provider.create_issue(
        "Parser", "Body", ("plan", "bug"), v1.number, ("sandbox-user", "no-such-user")
    )
    assert created.title == "Parser" and created.body == "Body"
    assert created.labels == ("bug", "plan")
    assert created.milestone == v1.number
    assert created.assignees == ("sandbox-user",)  # the unknown user is left out
    assert provider.snapshot("plan").issues == (created,)
    sandbox.reset_stats()

    updated = provider.update_issue(
        created.number,
        title="Parser v2",
        body="New body",
        labels=("plan", "kind: code"),
        milestone=v2.number,
        assignees=(),
    )

    assert sandbox.stats()["requests"] == 1
    assert routes(sandbox) == {"PUT /projects/{project}/issues/{iid}": 1}
    assert (updated.title, updated.body, updated.milestone) == ("Parser v2", "New body", v2.number)
    assert set(updated.labels) == {"plan", "kind: code"}
    assert updated.assignees == ()
    assert provider.issue(created.number) == updated


def test_user_lookups_are_cached(sandbox: Sandbox, provider: GitLabProvider) -> None:
    for title in ("a", "b"):
        provider.create_issue(title, "", ("plan",), None, ("sandbox-user", "ghost"))
    assert routes(sandbox)["GET /users"] == 2  # once per username, not per issue


def test_close_skipped_done_and_reopen(
    sandbox: Sandbox, provider: GitLabProvider, project: Any
) -> None:
    issue = provider.create_issue("Task", "", ("plan",), None, ())

    skipped = provider.update_issue(issue.number, state=RemoteState.SKIPPED)
    assert skipped.state is RemoteState.SKIPPED
    assert skipped.labels == ("plan",)  # the state label is not one the engine manages
    assert NOT_PLANNED in raw_labels(project, issue.number)
    fresh = GitLabProvider(sandbox.url, PATH, sandbox.token, fast_transport())
    assert fresh.snapshot("plan").issues[0].state is RemoteState.SKIPPED

    done = provider.update_issue(issue.number, state=RemoteState.DONE)
    assert done.state is RemoteState.DONE
    assert raw_labels(project, issue.number) == ["plan"]
    assert project.issues.get(issue.number).state == "closed"

    provider.update_issue(issue.number, state=RemoteState.SKIPPED)
    reopened = provider.update_issue(issue.number, state=RemoteState.OPEN)
    assert reopened.state is RemoteState.OPEN
    assert raw_labels(project, issue.number) == ["plan"]
    assert project.issues.get(issue.number).state == "opened"


def test_setting_labels_keeps_a_skipped_issue_skipped(
    sandbox: Sandbox, provider: GitLabProvider, project: Any
) -> None:
    issue = provider.create_issue("Task", "", ("plan",), None, ())
    provider.update_issue(issue.number, state=RemoteState.SKIPPED)

    relabelled = provider.update_issue(issue.number, labels=("plan", "bug"))
    assert relabelled.state is RemoteState.SKIPPED
    assert set(relabelled.labels) == {"plan", "bug"}

    # A provider that has not seen the issue reads it once to know whether to keep the label.
    fresh = GitLabProvider(sandbox.url, PATH, sandbox.token, fast_transport())
    sandbox.reset_stats()
    again = fresh.update_issue(issue.number, labels=("plan",))
    assert again.state is RemoteState.SKIPPED
    assert sandbox.stats()["requests"] == 2
    assert set(raw_labels(project, issue.number)) == {"plan", NOT_PLANNED}

    # Labels and state together: the state decides, still one PUT.
    sandbox.reset_stats()
    done = fresh.update_issue(issue.number, state=RemoteState.DONE, labels=("plan", NOT_PLANNED))
    assert done.state is RemoteState.DONE
    assert sandbox.stats()["requests"] == 1
    assert raw_labels(project, issue.number) == ["plan"]


def test_comment(provider: GitLabProvider, project: Any) -> None:
    issue = provider.create_issue("Task", "", ("plan",), None, ())
    provider.comment(issue.number, "Removed from the plan.")
    notes = project.issues.get(issue.number).notes.list(get_all=True)
    assert [n.body for n in notes if not n.system] == ["Removed from the plan."]


def test_labels_created_once_with_colours(sandbox: Sandbox, provider: GitLabProvider) -> None:
    provider.create_label("priority: high")
    provider.create_label("priority: high")  # 409 already exists: not an error
    provider.create_label("plan")
    labels = {
        lab.name: lab.color
        for lab in sandbox.gitlab_client().projects.get(PATH).labels.list(get_all=True)
    }
    assert labels == {"priority: high": "#d93f0b", "plan": "#0e8a16"}
    assert routes(sandbox)["POST /projects/{project}/labels"] == 3


def test_milestone_update(provider: GitLabProvider) -> None:
    created = provider.create_milestone("v1", "first")
    provider.update_milestone(created.number, "v1.0", "renamed")
    (listed,) = provider.snapshot("plan").milestones
    assert (listed.number, listed.title, listed.description) == (created.number, "v1.0", "renamed")


def linked(project: Any, iid: int) -> list[tuple[int, str]]:
    links = project.issues.get(iid, lazy=True).links.list(get_all=True)
    return [(other.iid, other.link_type) for other in links]


def test_blocked_by_link(provider: GitLabProvider, project: Any) -> None:
    blocker = provider.create_issue("Schema", "", ("plan",), None, ())
    blocked = provider.create_issue("Parser", "", ("plan",), None, ())
    provider.add_blocked_by(blocked, blocker)
    provider.add_blocked_by(blocked, blocker)  # 409 already linked: not an error
    assert linked(project, blocked.number) == [(blocker.number, "is_blocked_by")]
    assert linked(project, blocker.number) == [(blocked.number, "blocks")]


def test_blocked_by_falls_back_to_relates_to_on_free(
    sandbox: Sandbox, provider: GitLabProvider, project: Any
) -> None:
    sandbox.set_limits({"gitlab": {"tier": "free"}})
    a, b, c = (provider.create_issue(t, "", ("plan",), None, ()) for t in "abc")
    sandbox.reset_stats()
    provider.add_blocked_by(b, a)
    provider.add_blocked_by(b, a)
    provider.add_blocked_by(c, b)
    assert linked(project, b.number) == [(a.number, "relates_to"), (c.number, "relates_to")]
    # Refused once (403), then straight to relates_to: 1 + 3 link requests, not 2 x 3.
    assert routes(sandbox)["POST /projects/{project}/issues/{iid}/links"] == 4
    assert sandbox.stats()["by_status"]["403"] == 1


def test_sub_issue_is_a_relates_to_link(provider: GitLabProvider, project: Any) -> None:
    parent = provider.create_issue("Epic", "", ("plan",), None, ())
    child = provider.create_issue("Step", "", ("plan",), None, ())
    provider.add_sub_issue(parent, child)
    provider.add_sub_issue(parent, child)
    assert linked(project, parent.number) == [(child.number, "relates_to")]


def test_missing_issue_is_none(provider: GitLabProvider) -> None:
    assert provider.issue(404) is None


def test_wrong_token(sandbox: Sandbox) -> None:
    token = "glpat-wrong-token-1234"
    provider = GitLabProvider(sandbox.url, PATH, token, fast_transport())
    with pytest.raises(ProviderError) as caught:
        provider.snapshot("plan")
    assert caught.value.message == "GitLab refused the token (401)"
    assert caught.value.hint
    assert token not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_writes_are_paced_by_the_transport(sandbox: Sandbox) -> None:
    clock = FakeClock()
    transport = Transport(replace(NO_PACING, write_interval=2.0), clock=clock, sleep=clock.sleep)
    provider = GitLabProvider(sandbox.url, PATH, sandbox.token, transport)
    provider.snapshot("plan")  # reads are not paced
    provider.create_label("plan")
    clock.now += 0.5
    provider.create_label("bug")
    clock.now += 5
    provider.create_label("kind: x")
    assert clock.sleeps == [1.5]


# --- request shapes, without the sandbox ------------------------------------------------------

API = "https://gitlab.example.com/api/v4/projects/acme%2Fwidgets"


def issue_json(**fields: Any) -> dict[str, Any]:
    return {
        "id": 501,
        "iid": 7,
        "project_id": 42,
        "title": "Parser",
        "description": "Body",
        "state": "closed",
        "labels": ["a", "b", NOT_PLANNED],
        "milestone": {"id": 9, "iid": 1, "title": "v1"},
        "assignees": [],
        "web_url": "https://gitlab.example.com/acme/widgets/-/issues/7",
    } | fields


def offline_provider() -> GitLabProvider:
    return GitLabProvider("https://gitlab.example.com", PATH, "secret-token", fast_transport())


@responses.activate
def test_update_issue_is_a_single_put() -> None:
    put = responses.put(f"{API}/issues/7", json=issue_json())
    updated = offline_provider().update_issue(
        7,
        title="Parser",
        body="Body",
        state=RemoteState.SKIPPED,
        labels=("a", "b"),
        milestone=9,
        assignees=(),
    )
    assert len(responses.calls) == 1 and put.call_count == 1
    request = responses.calls[0].request
    assert request.headers["PRIVATE-TOKEN"] == "secret-token"
    assert json.loads(request.body or b"{}") == {
        "title": "Parser",
        "description": "Body",
        "state_event": "close",
        "labels": f"a,b,{NOT_PLANNED}",
        "milestone_id": 9,
        "assignee_ids": [],
    }
    assert updated.state is RemoteState.SKIPPED and updated.labels == ("a", "b")


@responses.activate
def test_state_alone_adds_or_removes_the_not_planned_label() -> None:
    responses.put(f"{API}/issues/7", json=issue_json())
    provider = offline_provider()
    provider.update_issue(7, state=RemoteState.SKIPPED)
    provider.update_issue(7, state=RemoteState.OPEN)
    bodies = [json.loads(call.request.body or b"{}") for call in responses.calls]
    assert bodies == [
        {"state_event": "close", "add_labels": NOT_PLANNED},
        {"state_event": "reopen", "remove_labels": NOT_PLANNED},
    ]


@responses.activate
def test_a_failed_create_is_not_repeated() -> None:
    responses.post(f"{API}/issues", status=502, json={"message": "502 Bad Gateway"})
    with pytest.raises(OutcomeUnknown, match="502 from the service"):
        offline_provider().create_issue("T", "", (), None, ())
    assert len(responses.calls) == 1


@responses.activate
def test_a_429_is_waited_out_once_by_the_transport_not_python_gitlab() -> None:
    responses.post(f"{API}/labels", status=429, body="Retry later", headers={"Retry-After": "7"})
    responses.post(f"{API}/labels", status=201, json={"id": 1, "name": "plan"})
    clock = FakeClock()
    transport = Transport(NO_PACING, clock=clock, sleep=clock.sleep)
    GitLabProvider("https://gitlab.example.com", PATH, "t", transport).create_label("plan")
    assert [getattr(call.response, "status_code", None) for call in responses.calls] == [429, 201]
    assert clock.sleeps == [7.0]  # python-gitlab slept nothing (it would have slept in real time)


@responses.activate
def test_missing_project_names_the_path() -> None:
    responses.get(f"{API}/issues", status=404, json={"message": "404 Project Not Found"})
    with pytest.raises(ProviderError) as caught:
        offline_provider().snapshot("plan")
    assert "404" in caught.value.message
    assert caught.value.hint is not None and PATH in caught.value.hint
    responses.get(f"{API}/issues/3", status=404, json={"message": "404 Project Not Found"})
    with pytest.raises(ProviderError):
        offline_provider().issue(3)


def test_client_never_retries_transient_errors() -> None:
    client: gitlab.Gitlab = offline_provider()._client
    assert client.retry_transient_errors is False
