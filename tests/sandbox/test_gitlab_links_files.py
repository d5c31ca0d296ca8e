"""Issue links and repository files through the unmodified python-gitlab client."""

from __future__ import annotations

import base64
from typing import Any

import gitlab
import pytest

from plansync.sandbox import Sandbox
from tests.sandbox.test_gitlab_support import check, configure, gl, project, sandbox

__all__ = ["gl", "project", "sandbox"]  # fixtures


def linked(issue: Any) -> list[tuple[int, str]]:
    return [(other.iid, other.link_type) for other in issue.links.list(get_all=True)]


def test_blocks_seen_from_both_sides(project: Any, gl: gitlab.Gitlab) -> None:
    first = project.issues.create({"title": "Schema"})
    second = project.issues.create({"title": "Parser"})
    source, target = first.links.create(
        {"target_project_id": project.id, "target_issue_iid": second.iid, "link_type": "blocks"}
    )
    assert (source.iid, target.iid) == (first.iid, second.iid)
    assert linked(first) == [(second.iid, "blocks")]
    assert linked(second) == [(first.iid, "is_blocked_by")]
    assert project.issues.get(first.iid).blocking_issues_count == 1
    raw = gl.http_get(f"/projects/{project.id}/issues/{first.iid}/links")
    assert isinstance(raw, list)
    for body in raw:
        assert isinstance(body, dict)
        check("issue.json", body)
        assert isinstance(body["issue_link_id"], int)


def test_is_blocked_by_and_relates_to(project: Any, gl: gitlab.Gitlab) -> None:
    a, b, c = (project.issues.create({"title": t}) for t in "abc")
    a.links.create(
        {"target_project_id": project.id, "target_issue_iid": b.iid, "link_type": "is_blocked_by"}
    )
    c.links.create({"target_project_id": project.path_with_namespace, "target_issue_iid": a.iid})
    assert linked(a) == [(b.iid, "is_blocked_by"), (c.iid, "relates_to")]
    assert linked(b) == [(a.iid, "blocks")]
    assert linked(c) == [(a.iid, "relates_to")]
    link_id = a.links.list(get_all=True)[0].issue_link_id
    check("issue_link.json", gl.http_get(f"/projects/{project.id}/issues/{a.iid}/links/{link_id}"))


def test_duplicate_self_and_missing_links_are_refused(project: Any) -> None:
    a, b = project.issues.create({"title": "a"}), project.issues.create({"title": "b"})
    a.links.create({"target_project_id": project.id, "target_issue_iid": b.iid})
    for target, status in ((a.iid, 409), (b.iid, 400), (99, 404)):
        with pytest.raises(gitlab.GitlabCreateError) as caught:
            b.links.create({"target_project_id": project.id, "target_issue_iid": target})
        assert caught.value.response_code == status
    with pytest.raises(gitlab.GitlabCreateError) as bad_type:
        a.links.create(
            {"target_project_id": project.id, "target_issue_iid": b.iid, "link_type": "x"}
        )
    assert bad_type.value.response_code == 400


def test_delete_a_link_from_either_side(project: Any) -> None:
    a, b = project.issues.create({"title": "a"}), project.issues.create({"title": "b"})
    a.links.create(
        {"target_project_id": project.id, "target_issue_iid": b.iid, "link_type": "blocks"}
    )
    (seen_from_b,) = b.links.list(get_all=True)
    seen_from_b.delete()
    assert linked(a) == linked(b) == []
    with pytest.raises(gitlab.GitlabDeleteError) as caught:
        a.links.delete(seen_from_b.issue_link_id)
    assert caught.value.response_code == 404


def test_links_across_projects(gl: gitlab.Gitlab, project: Any) -> None:
    other = gl.projects.get("acme/other")
    here, there = project.issues.create({"title": "here"}), other.issues.create({"title": "x"})
    here.links.create(
        {"target_project_id": other.id, "target_issue_iid": there.iid, "link_type": "blocks"}
    )
    (seen,) = there.links.list(get_all=True)
    assert (seen.project_id, seen.iid, seen.link_type) == (project.id, here.iid, "is_blocked_by")


def test_free_tier_refuses_blocking_links(project: Any, sandbox: Sandbox) -> None:
    configure(sandbox, tier="free")
    a, b = project.issues.create({"title": "a"}), project.issues.create({"title": "b"})
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        a.links.create(
            {"target_project_id": project.id, "target_issue_iid": b.iid, "link_type": "blocks"}
        )
    assert caught.value.response_code == 403
    a.links.create({"target_project_id": project.id, "target_issue_iid": b.iid})
    assert linked(a) == [(b.iid, "relates_to")]


def test_deleting_an_issue_removes_its_links(project: Any) -> None:
    a, b = project.issues.create({"title": "a"}), project.issues.create({"title": "b"})
    a.links.create({"target_project_id": project.id, "target_issue_iid": b.iid})
    project.issues.delete(b.iid)
    assert linked(a) == []


# --- repository files ------------------------------------------------------------------------


def test_file_create_get_raw_update(project: Any, gl: gitlab.Gitlab) -> None:
    created = project.files.create(
        {
            "file_path": "docs/PLAN.md",
            "branch": "main",
            "content": "# Plan\n",
            "commit_message": "Add plan",
        }
    )
    assert created.file_path == "docs/PLAN.md"
    got = project.files.get("docs/PLAN.md", ref="main")
    assert got.decode() == b"# Plan\n"
    assert (got.file_name, got.size, got.encoding, got.ref) == ("PLAN.md", 7, "base64", "main")
    assert got.last_commit_id == got.commit_id
    assert project.files.raw("docs/PLAN.md", ref="main") == b"# Plan\n"
    headers = project.files.head("docs/PLAN.md", ref="main")
    assert headers["X-Gitlab-Last-Commit-Id"] == got.last_commit_id

    first_commit = got.commit_id
    got.content = base64.b64encode(b"# Plan v2\n").decode()
    got.encoding = "base64"
    got.save(branch="main", commit_message="Update plan")  # GitLab answers {file_path, branch}
    again = project.files.get("docs/PLAN.md", ref="main")
    assert again.decode() == b"# Plan v2\n"
    assert again.last_commit_id != first_commit
    # The old commit still shows the old text: refs by sha work.
    assert project.files.raw("docs/PLAN.md", ref=first_commit) == b"# Plan\n"


def test_stale_last_commit_id_is_refused(project: Any) -> None:
    base = {"branch": "main", "commit_message": "m"}
    project.files.create({"file_path": "PLAN.md", "content": "one", **base})
    old = project.files.get("PLAN.md", ref="main").last_commit_id
    project.files.update("PLAN.md", {"content": "two", "last_commit_id": old, **base})
    with pytest.raises(gitlab.GitlabUpdateError) as caught:
        project.files.update("PLAN.md", {"content": "three", "last_commit_id": old, **base})
    assert caught.value.response_code == 400
    assert "changed since you started editing" in caught.value.error_message
    assert project.files.raw("PLAN.md", ref="main") == b"two"


def test_file_errors_like_gitlab(project: Any) -> None:
    base = {"branch": "main", "commit_message": "m"}
    with pytest.raises(gitlab.GitlabGetError) as empty_repo:
        project.files.get("a.md", ref="main")
    assert empty_repo.value.error_message == "404 Commit Not Found"
    project.files.create({"file_path": "a.md", "content": "x", **base})
    with pytest.raises(gitlab.GitlabGetError) as missing:
        project.files.get(".nothing", ref="main")
    assert (missing.value.response_code, missing.value.error_message) == (
        404,
        "404 File Not Found",
    )
    with pytest.raises(gitlab.GitlabUpdateError) as update_missing:
        project.files.update("nope.md", {"content": "x", **base})
    assert update_missing.value.response_code == 400
    with pytest.raises(gitlab.GitlabCreateError) as exists:
        project.files.create({"file_path": "a.md", "content": "y", **base})
    assert exists.value.response_code == 400
    with pytest.raises(gitlab.GitlabCreateError) as no_branch:
        project.files.create({"file_path": "b.md", "content": "y", **base, "branch": "feature"})
    assert no_branch.value.response_code == 400


def test_branches_from_start_branch_and_delete(project: Any) -> None:
    project.files.create(
        {"file_path": "a.md", "content": "main", "branch": "main", "commit_message": "m"}
    )
    project.files.update(
        "a.md",
        {"content": "feature", "branch": "feat", "start_branch": "main", "commit_message": "f"},
    )
    assert project.files.raw("a.md", ref="feat") == b"feature"
    assert project.files.raw("a.md", ref="main") == b"main"
    project.files.delete("a.md", branch="feat", commit_message="rm")
    with pytest.raises(gitlab.GitlabGetError):
        project.files.get("a.md", ref="feat")
    assert project.files.raw("a.md") == b"main"
