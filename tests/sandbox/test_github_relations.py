"""Sub-issues and blocked-by dependencies through PyGithub; both name issues by `id`."""

from __future__ import annotations

import github
import pytest


def test_sub_issues_add_list_reorder_remove(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/tree")
    parent, a, b, c = (repo.create_issue(t) for t in ("parent", "a", "b", "c"))
    for child in (a, b, c):
        returned = parent.add_sub_issue(child)
        assert returned.number == parent.number  # GitHub answers with the parent
    assert [i.number for i in parent.get_sub_issues()] == [a.number, b.number, c.number]
    parent.prioritize_sub_issue(c, a)  # c after a
    assert [i.number for i in parent.get_sub_issues()] == [a.number, c.number, b.number]
    parent.prioritize_sub_issue(b, None)  # to the front
    assert [i.number for i in parent.get_sub_issues()] == [b.number, a.number, c.number]
    a.edit(state="closed")
    summary = repo.get_issue(parent.number).sub_issues_summary
    assert (summary.total, summary.completed, summary.percent_completed) == (3, 1, 33)
    parent.remove_sub_issue(a)
    assert [i.number for i in parent.get_sub_issues()] == [b.number, c.number]


def test_sub_issue_rules(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/rules")
    parent, child, other = (repo.create_issue(t) for t in ("parent", "child", "other"))
    parent.add_sub_issue(child)
    with pytest.raises(github.GithubException) as caught:
        other.add_sub_issue(child)  # a second parent
    assert caught.value.status == 422
    with pytest.raises(github.GithubException) as caught:
        child.add_sub_issue(parent)  # a cycle
    assert caught.value.status == 422
    with pytest.raises(github.GithubException) as caught:
        parent.add_sub_issue(child.number)  # a number is not an id
    assert caught.value.status == 422
    with pytest.raises(github.GithubException) as caught:
        other.remove_sub_issue(child)
    assert caught.value.status == 404
    foreign = plansync_github.get_repo("someone/else").create_issue("x")
    with pytest.raises(github.GithubException):
        parent.add_sub_issue(foreign)  # another owner's issue


def test_the_parent_endpoint(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/parent")
    parent, child = repo.create_issue("parent"), repo.create_issue("child")
    parent.add_sub_issue(child)
    requester = plansync_github.requester
    _, data = requester.requestJsonAndCheck("GET", f"{child.url}/parent")
    assert data["number"] == parent.number
    assert repo.get_issue(child.number).raw_data["parent_issue_url"] == parent.url


def test_blocked_by_add_list_remove(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/deps")
    blocked, blocker = repo.create_issue("blocked"), repo.create_issue("blocker")
    blocked.add_blocked_by(blocker)
    assert [i.number for i in blocked.get_blocked_by()] == [blocker.number]
    assert [i.number for i in blocker.get_blocking()] == [blocked.number]
    summary = repo.get_issue(blocked.number).issue_dependencies_summary
    assert (summary.blocked_by, summary.total_blocked_by) == (1, 1)
    blocker.edit(state="closed")
    summary = repo.get_issue(blocked.number).issue_dependencies_summary
    assert (summary.blocked_by, summary.total_blocked_by) == (0, 1)  # closed blockers don't block
    with pytest.raises(github.GithubException) as caught:
        blocked.add_blocked_by(blocker)
    assert caught.value.status == 422
    blocked.remove_blocked_by(blocker)
    assert list(blocked.get_blocked_by()) == []
    with pytest.raises(github.GithubException) as caught:
        blocked.remove_blocked_by(blocker)
    assert caught.value.status == 404


def test_dependencies_across_repositories(plansync_github: github.Github) -> None:
    here = plansync_github.get_repo("octo/here").create_issue("here")
    there = plansync_github.get_repo("octo/there").create_issue("there")
    here.add_blocked_by(there)
    assert [i.repository.full_name for i in here.get_blocked_by()] == ["octo/there"]
