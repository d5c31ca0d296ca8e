"""The core applies the same faults, ETags and counters to the GitLab half (via python-gitlab)."""

from __future__ import annotations

import gitlab
import pytest
import requests

from plansync.sandbox import Sandbox
from plansync.sandbox.app import gitlab_router


@pytest.fixture
def gl(plansync_sandbox: Sandbox) -> gitlab.Gitlab:
    if gitlab_router() is None:
        pytest.skip("the GitLab half is not installed")
    return plansync_sandbox.gitlab_client()


def test_gitlab_requests_are_dispatched_and_counted(
    plansync_sandbox: Sandbox, gl: gitlab.Gitlab
) -> None:
    issue = gl.projects.get("grp/proj").issues.create({"title": "hello"})
    assert issue.iid == 1
    stats = plansync_sandbox.stats()
    assert stats["requests"] == 2 and stats["writes"] == 1
    assert [e["service"] for e in plansync_sandbox.requests()] == ["gitlab", "gitlab"]


def test_faults_apply_to_gitlab_paths_with_or_without_the_prefix(
    plansync_sandbox: Sandbox, gl: gitlab.Gitlab
) -> None:
    project = gl.projects.get("grp/proj")
    plansync_sandbox.set_faults("POST /projects/*/issues: 503 @1")
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        project.issues.create({"title": "first"})
    assert caught.value.response_code == 503
    assert project.issues.create({"title": "second"}).iid == 1
    plansync_sandbox.set_faults("POST /api/v4/projects/*/issues: lost-response @1")
    with pytest.raises(requests.exceptions.ConnectionError):
        project.issues.create({"title": "lost but made"})
    titles = [i.title for i in project.issues.list(get_all=True)]
    assert sorted(titles) == ["lost but made", "second"]


def test_gitlab_gets_etags_and_304s(plansync_sandbox: Sandbox, gl: gitlab.Gitlab) -> None:
    gl.projects.get("grp/proj").issues.create({"title": "t"})
    url = f"{plansync_sandbox.url}/api/v4/projects/grp%2Fproj/issues/1"
    headers = {"PRIVATE-TOKEN": plansync_sandbox.token}
    first = requests.get(url, headers=headers, timeout=10)
    assert first.status_code == 200
    again = requests.get(
        url, headers={**headers, "If-None-Match": first.headers["ETag"]}, timeout=10
    )
    assert again.status_code == 304 and again.content == b""
    assert plansync_sandbox.stats()["not_modified"] == 1
