"""Several accounts: each token acts as its own login, issues record their author, and an account
without write access has the labels, milestone and assignees of its issues dropped (GitHub, and
GitLab for non-members and Guests)."""

from __future__ import annotations

from pathlib import Path

import github
import pytest
import requests

from plansync.sandbox import Sandbox


def test_each_token_acts_as_its_own_login(plansync_sandbox: Sandbox) -> None:
    token = plansync_sandbox.add_account("mallory", write=False)
    with (
        plansync_sandbox.github_client() as owner,
        plansync_sandbox.github_client(token=token) as outsider,
    ):
        assert owner.get_user().login == "sandbox-user"
        assert outsider.get_user().login == "mallory"
        mine = owner.get_repo("octo/acc").create_issue("by the owner")
        theirs = outsider.get_repo("octo/acc").create_issue("by an outsider")
        theirs.create_comment("me again")
        assert (mine.user.login, theirs.user.login) == ("sandbox-user", "mallory")
        assert [c.user.login for c in theirs.get_comments()] == ["mallory"]
        assert [i.title for i in owner.get_repo("octo/acc").get_issues(creator="mallory")] == [
            "by an outsider"
        ]


def test_the_login_setting_renames_the_default_account_only(plansync_sandbox: Sandbox) -> None:
    token = plansync_sandbox.add_account("ann")
    plansync_sandbox.set_limits(login="octocat")
    with plansync_sandbox.github_client() as gh, plansync_sandbox.github_client(token=token) as ann:
        assert gh.get_user().login == "octocat"
        assert ann.get_user().login == "ann"


def test_without_write_access_metadata_is_silently_dropped(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.add_account("ann")
    outsider = plansync_sandbox.add_account("mallory", write=False)
    with plansync_sandbox.github_client() as gh:
        ms = gh.get_repo("octo/acc").create_milestone("v1")
    with plansync_sandbox.github_client(token=outsider) as gh:
        repo = gh.get_repo("octo/acc")
        issue = repo.create_issue(
            "forged", body="b", labels=["plan"], milestone=ms, assignees=["ann"]
        )
        assert (issue.labels, issue.milestone, issue.assignees) == ([], None, [])
        assert issue.body == "b" and issue.state == "open"
        issue.edit(labels=["plan"], assignees=["ann"], milestone=ms, title="renamed")
        fresh = repo.get_issue(issue.number)
        assert (fresh.title, fresh.labels, fresh.milestone, fresh.assignees) == (
            "renamed",
            [],
            None,
            [],
        )
        fresh.add_to_assignees("ann")
        assert repo.get_issue(issue.number).assignees == []
    assert "plan" not in [label.name for label in gh.get_repo("octo/acc").get_labels()]


def test_write_access_per_repository_and_for_the_owner(plansync_sandbox: Sandbox) -> None:
    token = plansync_sandbox.add_account("ann", write=["octo/mine"])
    owner = plansync_sandbox.add_account("octo", write=False)
    with plansync_sandbox.github_client(token=token) as ann:
        kept = ann.get_repo("octo/mine").create_issue("t", labels=["x"])
        dropped = ann.get_repo("octo/other").create_issue("t", labels=["x"])
    assert [label.name for label in kept.labels] == ["x"] and dropped.labels == []
    with plansync_sandbox.github_client(token=owner) as gh:  # an owner has push to its repos
        assert [
            lab.name for lab in gh.get_repo("octo/z").create_issue("t", labels=["y"]).labels
        ] == ["y"]


def test_accounts_over_the_admin_api(plansync_sandbox: Sandbox) -> None:
    url = f"{plansync_sandbox.url}/_sandbox/tokens"
    body = {"login": "eve", "token": "eve-token", "write": False}
    made = requests.post(url, json=body, headers=plansync_sandbox.admin_headers(), timeout=10)
    assert made.status_code == 201
    assert made.json() | {"tokens": 0} == {
        "token": "eve-token",
        "login": "eve",
        "write": False,
        "tokens": 0,
    }
    generated = requests.post(
        url, json={"login": "bob"}, headers=plansync_sandbox.admin_headers(), timeout=10
    )
    assert generated.json()["token"].startswith("sandbox-") and generated.json()["write"] is True
    bad = requests.post(
        url, json={"write": "yes"}, headers=plansync_sandbox.admin_headers(), timeout=10
    )
    assert bad.status_code == 400
    with plansync_sandbox.github_client(token="eve-token") as gh:
        assert gh.get_user().login == "eve"
    eve = requests.get(
        url.replace("/_sandbox/tokens", "/_sandbox/stats"),
        headers={"Authorization": "token eve-token"},
        timeout=10,
    )
    assert eve.status_code == 401  # an account's token is not an admin token


def test_without_a_token_get_user_needs_authentication(plansync_sandbox: Sandbox) -> None:
    answer = requests.get(f"{plansync_sandbox.url}/user", timeout=10)
    assert answer.status_code == 401 and answer.json()["message"] == "Requires authentication"


def test_accounts_survive_a_restart_with_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with Sandbox(state=path) as first:
        token = first.add_account("mallory", write=["o/r"])
    with Sandbox(state=path) as second, second.github_client(token=token) as gh:
        assert gh.get_user().login == "mallory"
        assert [lab.name for lab in gh.get_repo("o/r").create_issue("t", labels=["a"]).labels] == [
            "a"
        ]


# --- GitLab ----------------------------------------------------------------------------------


def test_gitlab_accounts_author_and_guest_rule(plansync_sandbox: Sandbox) -> None:
    guest = plansync_sandbox.add_account("mallory", write=False)
    member = plansync_sandbox.add_account("ann")
    gl = plansync_sandbox.gitlab_client()
    project = gl.projects.get("acme/acc")
    milestone = project.milestones.create({"title": "v1"})
    outsider = plansync_sandbox.gitlab_client(token=guest)
    outsider.auth()
    assert outsider.user is not None and outsider.user.username == "mallory"
    ann_id = gl.users.list(username="ann")[0].id  # accounts are users before they call
    issue = outsider.projects.get("acme/acc").issues.create(
        {
            "title": "forged",
            "labels": "plan",
            "milestone_id": milestone.id,
            "assignee_ids": [ann_id],
            "due_date": "2030-01-01",
        }
    )
    assert issue.author["username"] == "mallory"
    assert (issue.labels, issue.milestone, issue.assignees, issue.due_date) == ([], None, [], None)
    issue.labels = ["plan"]
    issue.title = "renamed"
    issue.save()
    fresh = project.issues.get(issue.iid)
    assert (fresh.title, fresh.labels) == ("renamed", [])
    by_member = plansync_sandbox.gitlab_client(token=member).projects.get("acme/acc")
    kept = by_member.issues.create({"title": "t", "labels": "plan"})
    assert kept.labels == ["plan"] and kept.author["username"] == "ann"


def test_a_guest_update_of_metadata_only_changes_nothing(plansync_sandbox: Sandbox) -> None:
    guest = plansync_sandbox.add_account("mallory", write=False)
    plansync_sandbox.gitlab_client().projects.get("acme/acc").issues.create({"title": "t"})
    answer = requests.put(
        f"{plansync_sandbox.url}/api/v4/projects/acme%2Facc/issues/1",
        json={"labels": "x"},
        headers={"PRIVATE-TOKEN": guest},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["labels"] == []


def test_gitlab_unknown_token_is_401(plansync_sandbox: Sandbox) -> None:
    with pytest.raises(github.GithubException):
        plansync_sandbox.github_client(token="nope").get_user().login  # noqa: B018
    answer = requests.get(
        f"{plansync_sandbox.url}/api/v4/user", headers={"PRIVATE-TOKEN": "nope"}, timeout=10
    )
    assert answer.status_code == 401
