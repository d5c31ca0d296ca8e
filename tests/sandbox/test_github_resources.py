"""Labels, milestones and comments through PyGithub."""

from __future__ import annotations

import datetime

import github
import pytest


def test_labels_create_list_edit_delete(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/labels")
    bug = repo.create_label("bug", "d73a4a", "Something is wrong")
    assert (bug.name, bug.color, bug.description) == ("bug", "d73a4a", "Something is wrong")
    with pytest.raises(github.GithubException) as caught:
        repo.create_label("Bug", "ffffff")  # names are unique regardless of case
    assert caught.value.status == 422
    assert caught.value.data["errors"][0]["code"] == "already_exists"
    issue = repo.create_issue("t", labels=["bug"])
    repo.get_label("BUG").edit("defect", "00ff00", "Renamed")
    assert [lab.name for lab in repo.get_issue(issue.number).labels] == ["defect"]
    assert [lab.name for lab in repo.get_labels()] == ["defect"]
    repo.get_label("defect").delete()
    assert list(repo.get_labels()) == []
    assert repo.get_issue(issue.number).labels == []
    with pytest.raises(github.UnknownObjectException):
        repo.get_label("defect")


def test_milestones_with_due_dates_states_and_counts(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/milestones")
    v1 = repo.create_milestone("v1", description="first", due_on=datetime.date(2030, 6, 1))
    v2 = repo.create_milestone("v2")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.due_on is not None and v1.due_on.date() == datetime.date(2030, 6, 1)
    repo.create_issue("a", milestone=v1)
    closed = repo.create_issue("b", milestone=v1)
    closed.edit(state="closed")
    fresh = repo.get_milestone(1)
    assert (fresh.open_issues, fresh.closed_issues) == (1, 1)
    v2.edit("v2", state="closed", due_on=datetime.date(2031, 1, 1))
    assert v2.state == "closed" and v2.closed_at is not None
    assert [m.title for m in repo.get_milestones()] == ["v1"]
    assert [m.title for m in repo.get_milestones(state="closed")] == ["v2"]
    assert [m.title for m in repo.get_milestones(state="all", direction="desc")] == ["v2", "v1"]
    with pytest.raises(github.GithubException) as caught:
        repo.create_milestone("v1")
    assert caught.value.status == 422
    v1.delete()
    assert repo.get_issue(closed.number).milestone is None


def test_comments_on_an_issue_and_in_a_repository(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/comments")
    first, second = repo.create_issue("one"), repo.create_issue("two")
    hello = first.create_comment("hello")
    second.create_comment("there")
    assert repo.get_issue(first.number).comments == 1
    assert [c.body for c in first.get_comments()] == ["hello"]
    assert sorted(c.body for c in repo.get_issues_comments()) == ["hello", "there"]
    hello.edit("hello again")
    assert first.get_comment(hello.id).body == "hello again"
    hello.delete()
    assert list(first.get_comments()) == []
    assert repo.get_issue(first.number).comments == 0
    with pytest.raises(github.UnknownObjectException):
        first.get_comment(hello.id)
