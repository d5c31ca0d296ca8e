"""Issues through PyGithub: create, get, update every field, list filters and sorting, pages."""

from __future__ import annotations

import datetime

import github
import pytest
import requests

from plansync.sandbox import FakeTime, Sandbox


@pytest.fixture(autouse=True)
def people(plansync_sandbox: Sandbox) -> None:
    """ann and bob have push access, so they may be assigned (an unknown login is a 422)."""
    plansync_sandbox.add_account("ann")
    plansync_sandbox.add_account("bob")


def test_create_and_get_an_issue(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/demo")
    ms = repo.create_milestone("v1")
    issue = repo.create_issue(
        "Write the parser", body="details", labels=["parser"], milestone=ms, assignees=["ann"]
    )
    assert issue.number == 1 and issue.id != issue.number
    again = repo.get_issue(1)
    assert again.title == "Write the parser" and again.body == "details"
    assert [label.name for label in again.labels] == ["parser"]
    assert again.milestone.number == ms.number
    assert [user.login for user in again.assignees] == ["ann"]
    assert again.state == "open" and again.state_reason is None and again.closed_at is None
    assert again.pull_request is None
    assert again.user.login == plansync_github.get_user().login
    assert again.html_url.endswith("/octo/demo/issues/1")


def test_numbers_count_up_per_repository(plansync_github: github.Github) -> None:
    one = plansync_github.get_repo("octo/one")
    two = plansync_github.get_repo("octo/two")
    assert [one.create_issue(t).number for t in "abc"] == [1, 2, 3]
    assert two.create_issue("x").number == 1


def test_update_every_field(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/demo")
    ms = repo.create_milestone("v1")
    issue = repo.create_issue("Old")
    issue.edit(
        title="New",
        body="Body",
        labels=["a", "b"],
        assignees=["ann", "bob"],
        milestone=ms,
        state="closed",
        state_reason="not_planned",
    )
    fresh = repo.get_issue(issue.number)
    assert (fresh.title, fresh.body, fresh.state, fresh.state_reason) == (
        "New",
        "Body",
        "closed",
        "not_planned",
    )
    assert fresh.closed_at is not None and fresh.closed_by is not None
    assert sorted(label.name for label in fresh.labels) == ["a", "b"]
    assert fresh.milestone.title == "v1"
    fresh.edit(state="open", milestone=None)  # PyGithub clears the milestone with ""
    assert fresh.state == "open" and fresh.state_reason == "reopened"
    assert fresh.milestone is None and fresh.closed_at is None


def test_closing_without_a_reason_means_completed(plansync_github: github.Github) -> None:
    issue = plansync_github.get_repo("octo/demo").create_issue("t")
    issue.edit(state="closed")
    assert issue.state_reason == "completed"


def test_validation_errors_are_422(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/demo")
    issue = repo.create_issue("t")
    with pytest.raises(github.GithubException) as caught:
        issue.edit(state="done")
    assert caught.value.status == 422
    assert caught.value.data["message"] == "Validation Failed"
    with pytest.raises(github.GithubException) as caught:
        issue.edit(state="closed", state_reason="bored")
    assert caught.value.status == 422
    with pytest.raises(github.UnknownObjectException):
        repo.get_issue(42)


def test_assignees_add_and_remove(plansync_github: github.Github) -> None:
    issue = plansync_github.get_repo("octo/demo").create_issue("t")
    issue.add_to_assignees("ann", "bob")
    issue.remove_from_assignees("ann")
    assert [u.login for u in issue.assignees] == ["bob"]


def test_issue_labels_add_set_remove_clear(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/demo")
    repo.create_label("bug", "d73a4a")
    issue = repo.create_issue("t")
    issue.add_to_labels("bug", "docs")  # PyGithub sends a bare JSON array
    assert sorted(lab.name for lab in issue.get_labels()) == ["bug", "docs"]
    assert repo.get_label("docs").color == "ededed"  # created on first use, like GitHub
    issue.set_labels("ui")
    assert [lab.name for lab in issue.get_labels()] == ["ui"]
    issue.remove_from_labels("ui")
    assert list(issue.get_labels()) == []
    issue.add_to_labels("bug")
    issue.delete_labels()
    assert repo.get_issue(issue.number).labels == []
    with pytest.raises(github.GithubException) as caught:
        issue.remove_from_labels("bug")
    assert caught.value.status == 404  # "Label does not exist", as GitHub words it


def _seed(sandbox: Sandbox) -> None:
    sandbox.seed(
        {
            "repos": {
                "octo/filters": {
                    "labels": [{"name": "bug"}, {"name": "ui"}],
                    "milestones": [{"title": "v1"}, {"title": "v2"}],
                    "issues": [
                        {"title": "one", "labels": ["bug"], "milestone": 1},
                        {"title": "two", "labels": ["bug", "ui"], "assignees": ["ann"]},
                        {"title": "three", "state": "closed", "milestone": 2},
                        {"title": "four", "labels": ["ui"], "state": "closed"},
                    ],
                }
            }
        }
    )


def test_list_filters(plansync_sandbox: Sandbox, plansync_github: github.Github) -> None:
    _seed(plansync_sandbox)
    repo = plansync_github.get_repo("octo/filters")

    def titles(**filters: object) -> list[str]:
        return sorted(i.title for i in repo.get_issues(**filters))  # type: ignore[arg-type]

    assert titles() == ["one", "two"]
    assert titles(state="closed") == ["four", "three"]
    assert titles(state="all", labels=["bug"]) == ["one", "two"]
    assert titles(state="all", labels=["bug", "ui"]) == ["two"]
    assert titles(state="all", milestone=repo.get_milestone(2)) == ["three"]
    assert titles(state="all", milestone="none") == ["four", "two"]
    assert titles(state="all", milestone="*") == ["one", "three"]
    assert titles(assignee="ann") == ["two"]


def test_since_and_sort(timed_sandbox: Sandbox, fake_time: FakeTime) -> None:
    with timed_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/sort")
        first = repo.create_issue("first")
        fake_time.sleep(60)
        repo.create_issue("second")
        fake_time.sleep(60)
        first.create_comment("bump")  # updates `first` later than `second` was created
        by_created = [i.title for i in repo.get_issues(sort="created", direction="asc")]
        by_updated = [i.title for i in repo.get_issues(sort="updated", direction="desc")]
        by_comments = [i.title for i in repo.get_issues(sort="comments")]
        assert by_created == ["first", "second"]
        assert by_updated == ["first", "second"]
        assert by_comments == ["first", "second"]
        later = repo.get_issue(first.number).updated_at
        assert [i.title for i in repo.get_issues(since=later)] == ["first"]
        assert len(list(repo.get_issues(since=later - datetime.timedelta(hours=5)))) == 2


def test_pagination_over_260_issues(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.seed({"repos": {"octo/big": {"issue_count": 260}}})
    with plansync_sandbox.github_client(per_page=100) as gh:
        issues = gh.get_repo("octo/big").get_issues(state="all", direction="asc")
        numbers = [i.number for i in issues]
        assert numbers == list(range(1, 261))
        assert issues.totalCount == 260
    pages = [r for r in plansync_sandbox.requests() if r["path"].endswith("/issues")]
    assert len(pages) >= 3


def test_link_header_on_a_middle_page(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.seed({"repos": {"octo/big": {"issue_count": 250}}})
    url = f"{plansync_sandbox.github_url}/repos/octo/big/issues"
    headers = {"Authorization": f"token {plansync_sandbox.token}"}
    with requests.Session() as session:
        response = session.get(url, params={"per_page": 100, "page": 2}, headers=headers)
        links = response.links
        assert len(response.json()) == 100
        assert {"first", "prev", "next", "last"} <= set(links)
        assert links["last"]["url"].endswith("page=3") and "per_page=100" in links["last"]["url"]
        last = session.get(links["last"]["url"], headers=headers)
        assert len(last.json()) == 50 and "next" not in last.links
        capped = session.get(url, params={"per_page": 500}, headers=headers)
        assert len(capped.json()) == 100  # per_page is capped at 100, as on GitHub
