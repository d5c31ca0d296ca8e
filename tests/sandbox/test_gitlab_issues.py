"""Issues, projects and users through the unmodified python-gitlab client."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import gitlab
import pytest

from plansync.sandbox import FakeTime, Sandbox
from plansync.sandbox.gitlab import seed
from tests.sandbox.test_gitlab_support import check, gl, project, sandbox, watch

__all__ = ["gl", "project", "sandbox"]  # fixtures


def test_user_and_auth(gl: gitlab.Gitlab, sandbox: Sandbox) -> None:
    gl.auth()
    assert gl.user is not None
    assert gl.user.username == "sandbox-user"
    assert gl.user.web_url == f"{sandbox.url}/sandbox-user"
    with pytest.raises(gitlab.GitlabAuthenticationError) as caught:
        gitlab.Gitlab(url=sandbox.url, private_token="wrong").auth()
    assert caught.value.response_code == 401
    assert caught.value.error_message == "401 Unauthorized"
    oauth = gitlab.Gitlab(url=sandbox.url, oauth_token=sandbox.token)
    oauth.auth()
    assert oauth.user is not None


def test_project_exists_on_first_use_by_path(gl: gitlab.Gitlab, sandbox: Sandbox) -> None:
    by_path = gl.projects.get("acme/widgets")
    assert by_path.path_with_namespace == "acme/widgets"
    assert by_path.web_url == f"{sandbox.url}/acme/widgets"
    assert gl.projects.get(by_path.id).id == by_path.id
    assert gl.projects.get("acme/sub/widgets").namespace["full_path"] == "acme/sub"
    with pytest.raises(gitlab.GitlabGetError) as caught:
        gl.projects.get(999_999_999)
    assert caught.value.response_code == 404


def test_create_project(gl: gitlab.Gitlab) -> None:
    mine = gl.projects.create({"name": "mine"})
    assert mine.path_with_namespace == "sandbox-user/mine"
    group = gl.projects.get("team/first").namespace["id"]
    assert gl.projects.create({"path": "second", "namespace_id": group}).namespace["id"] == group
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        gl.projects.create({"name": "mine"})
    assert caught.value.response_code == 400


def test_create_issue_renders_every_field_real_clients_read(
    gl: gitlab.Gitlab, project: Any, sandbox: Sandbox
) -> None:
    gl.auth()
    milestone = project.milestones.create({"title": "v1"})
    issue = project.issues.create(
        {
            "title": "Write the parser",
            "description": "- [x] lexer\n- [ ] grammar",
            "labels": "plan,backend",
            "milestone_id": milestone.id,
            "assignee_ids": [gl.user.id],  # type: ignore[union-attr]
        }
    )
    assert (issue.iid, issue.state, issue.title) == (1, "opened", "Write the parser")
    assert issue.labels == ["backend", "plan"]
    assert issue.milestone["title"] == "v1"
    assert issue.assignee["username"] == "sandbox-user"
    assert issue.author["id"] == gl.user.id  # type: ignore[union-attr]
    assert issue.task_completion_status == {"count": 2, "completed_count": 1}
    assert issue.has_tasks is True
    assert issue.web_url == f"{sandbox.url}/acme/widgets/-/issues/1"
    assert issue._links["self"] == f"{sandbox.url}/api/v4/projects/{project.id}/issues/1"
    assert issue.references["full"] == "acme/widgets#1"
    assert issue.created_at.endswith("Z") and issue.closed_at is None
    raw = gl.http_get(f"/projects/{project.id}/issues/1")
    check("issue.json", raw)
    assert sorted(label.name for label in project.labels.list(get_all=True)) == ["backend", "plan"]
    assert project.issues.create({"title": "second"}).iid == 2


def test_create_without_title_is_refused(project: Any) -> None:
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        project.issues.create({"title": " "})
    assert caught.value.response_code == 400


def test_update_close_reopen_labels_milestone(project: Any, gl: gitlab.Gitlab) -> None:
    milestone = project.milestones.create({"title": "v1"})
    issue = project.issues.create({"title": "Task", "labels": ["a", "b"]})
    issue.state_event = "close"
    issue.save()
    assert issue.state == "closed" and issue.closed_at is not None
    assert issue.attributes["closed_by"]["username"] == "sandbox-user"
    issue.state_event = "reopen"
    issue.save()
    assert issue.state == "opened" and issue.closed_at is None
    assert issue.attributes["closed_by"] is None

    project.issues.update(issue.iid, {"add_labels": "c", "remove_labels": "a"})
    assert project.issues.get(issue.iid).labels == ["b", "c"]
    project.issues.update(issue.iid, {"labels": ""})
    assert project.issues.get(issue.iid).labels == []

    project.issues.update(issue.iid, {"milestone_id": milestone.id, "description": "new"})
    fetched = project.issues.get(issue.iid)
    assert fetched.milestone["id"] == milestone.id and fetched.description == "new"
    for cleared in (0, None):
        project.issues.update(issue.iid, {"milestone_id": milestone.id})
        project.issues.update(issue.iid, {"milestone_id": cleared})
        assert project.issues.get(issue.iid).milestone is None
    check("issue.json", gl.http_get(f"/projects/{project.id}/issues/{issue.iid}"))


def test_update_without_change_keeps_updated_at(project: Any) -> None:
    issue = project.issues.create({"title": "Same", "labels": "x"})
    before = issue.updated_at
    project.issues.update(issue.iid, {"title": "Same", "labels": "x"})
    assert project.issues.get(issue.iid).updated_at == before


def test_system_notes_record_changes(project: Any) -> None:
    issue = project.issues.create({"title": "Noted"})
    project.issues.update(issue.iid, {"state_event": "close", "add_labels": "done"})
    notes = issue.notes.list(get_all=True, sort="asc")
    assert [(n.body, n.system) for n in notes] == [('added ~"done" label', True), ("closed", True)]
    assert project.issues.get(issue.iid).user_notes_count == 0


def test_bad_state_event_and_unknown_issue(project: Any) -> None:
    issue = project.issues.create({"title": "x"})
    with pytest.raises(gitlab.GitlabUpdateError) as caught:
        project.issues.update(issue.iid, {"state_event": "explode"})
    assert caught.value.response_code == 400
    with pytest.raises(gitlab.GitlabGetError) as missing:
        project.issues.get(404)
    assert missing.value.error_message == "404 Issue Not Found"


def test_list_filters(timed_sandbox: Sandbox, fake_time: FakeTime) -> None:
    project = timed_sandbox.gitlab_client().projects.get("acme/widgets")
    milestone = project.milestones.create({"title": "M1"})
    one = project.issues.create({"title": "alpha", "labels": "x,y", "milestone_id": milestone.id})
    fake_time.sleep(1)  # distinct time stamps, whatever the machine's speed
    two = project.issues.create({"title": "beta", "labels": "x"})
    fake_time.sleep(1)
    three = project.issues.create({"title": "gamma words", "description": "needle"})
    fake_time.sleep(1)
    project.issues.update(two.iid, {"state_event": "close"})
    fake_time.sleep(1)

    def iids(**filters: Any) -> list[int]:
        return [i.iid for i in project.issues.list(get_all=True, **filters)]

    assert iids() == [3, 2, 1]  # created_at desc by default
    assert iids(state="opened") == [3, 1]
    assert iids(state="closed") == [2]
    assert iids(labels=["x", "y"]) == [1]
    assert iids(labels="x") == [2, 1]
    assert iids(labels="None") == [3]
    assert iids(milestone="M1") == [1]
    assert iids(milestone="None") == [3, 2]
    assert iids(iids=[1, 3]) == [3, 1]
    assert iids(search="needle") == [3]
    assert iids(order_by="title", sort="asc") == [1, 2, 3]
    assert iids(order_by="updated_at", sort="desc")[0] == 2
    project.issues.update(three.iid, {"title": "gamma!"})
    since = project.issues.get(three.iid).updated_at
    assert iids(updated_after=since) == [3]
    later = dt.datetime.fromtimestamp(fake_time.time() + 86400, dt.timezone.utc).isoformat()
    assert iids(updated_after=later) == []
    assert one.iid == 1
    with pytest.raises(gitlab.GitlabListError):
        project.issues.list(get_all=True, state="weird")


def test_pagination_over_260_issues(project: Any, gl: gitlab.Gitlab, sandbox: Sandbox) -> None:
    issues = [{"title": f"Issue {n}", "labels": ["bulk" if n % 2 else "odd"]} for n in range(260)]
    with sandbox.store.lock:  # seeded: creating 260 through HTTP adds nothing but time
        seed(sandbox.store, {"projects": {project.path_with_namespace: {"issues": issues}}})
    seen = watch(gl)
    everything = project.issues.list(get_all=True)
    assert sorted(i.iid for i in everything) == list(range(1, 261))
    assert [r.headers["X-Page"] for r in seen] == [str(n) for n in range(1, 14)]
    assert seen[-1].headers["X-Next-Page"] == "" and seen[-1].headers["X-Total"] == "260"
    assert all(r.url.startswith(f"{sandbox.url}/api/v4/") for r in seen)
    lazy = project.issues.list(iterator=True, per_page=100, labels="bulk", order_by="title")
    assert len(lazy) == 130  # X-Total
    assert lazy.total_pages == 2
    titles = [i.title for i in lazy]
    assert len(set(titles)) == 130 and titles == sorted(titles, reverse=True)
    assert "labels=bulk" in seen[-1].url and "order_by=title" in seen[-1].url
    assert len(project.issues.list(page=3, per_page=100)) == 60
    assert len(project.issues.list(get_all=False)) == 20
    assert len(project.issues.list(per_page=1000, page=1)) == 100  # GitLab caps per_page


def test_iids_are_unique_under_concurrency(project: Any, sandbox: Sandbox) -> None:
    created: list[int] = []

    def work() -> None:
        client = sandbox.gitlab_client()
        mine = client.projects.get(project.id, lazy=True)
        for _ in range(10):
            created.append(mine.issues.create({"title": "parallel"}).iid)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == list(range(1, 61))


def test_delete_issue(project: Any) -> None:
    issue = project.issues.create({"title": "gone"})
    project.issues.delete(issue.iid)
    with pytest.raises(gitlab.GitlabGetError):
        project.issues.get(issue.iid)


def test_users_lookup(gl: gitlab.Gitlab) -> None:
    gl.auth()
    (found,) = gl.users.list(username="sandbox-user", get_all=True)
    assert found.id == gl.user.id  # type: ignore[union-attr]
    assert gl.users.get(found.id).username == "sandbox-user"
    assert gl.users.list(username="nobody", get_all=True) == []
