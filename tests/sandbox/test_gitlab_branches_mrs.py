"""Branches and merge requests through the unmodified python-gitlab client: a branch from a
branch or a commit, files on it, one open merge request per source branch (GitLab's 409)."""

from __future__ import annotations

from typing import Any

import gitlab
import pytest

from tests.sandbox.test_gitlab_support import gl, project, sandbox

__all__ = ["gl", "project", "sandbox"]  # fixtures
PLAN = "docs/plan.md"


def on(project: Any, branch: str) -> bytes:
    return bytes(project.files.get(PLAN, ref=branch).decode())


@pytest.fixture
def branched(project: Any) -> Any:
    project.files.create(
        {"file_path": PLAN, "branch": "main", "content": "# Plan\n", "commit_message": "add"}
    )
    project.branches.create({"branch": "plansync/plan", "ref": "main"})
    return project


def tick(project: Any) -> None:
    current = project.files.get(PLAN, ref="plansync/plan")
    fields = {"branch": "plansync/plan", "content": "# Plan 2\n", "commit_message": "tick"}
    project.files.update(PLAN, fields | {"last_commit_id": current.last_commit_id})


def test_a_branch_has_its_own_files(branched: Any) -> None:
    main_head = branched.branches.get("main").commit["id"]
    made = branched.branches.get("plansync/plan")
    assert made.commit["id"] == main_head and made.default is False
    tick(branched)
    assert on(branched, "main") == b"# Plan\n" and on(branched, "plansync/plan") == b"# Plan 2\n"
    assert branched.branches.get("plansync/plan").commit["parent_ids"] == [main_head]
    from_commit = branched.branches.create({"branch": "at-commit", "ref": main_head})
    assert from_commit.commit["id"] == main_head


def test_branch_errors_like_gitlab(branched: Any) -> None:
    with pytest.raises(gitlab.GitlabCreateError) as exists:
        branched.branches.create({"branch": "plansync/plan", "ref": "main"})
    assert exists.value.response_code == 400 and "Branch already exists" in str(exists.value)
    with pytest.raises(gitlab.GitlabCreateError) as bad_ref:
        branched.branches.create({"branch": "x", "ref": "nowhere"})
    assert "Invalid reference name: nowhere" in str(bad_ref.value)
    with pytest.raises(gitlab.GitlabGetError) as missing:
        branched.branches.get("nowhere")
    assert missing.value.response_code == 404
    branched.branches.delete("plansync/plan")
    with pytest.raises(gitlab.GitlabGetError):
        branched.branches.get("plansync/plan")
    with pytest.raises(gitlab.GitlabDeleteError):
        branched.branches.delete("main")


def test_one_open_merge_request_per_source_branch(branched: Any) -> None:
    tick(branched)
    fields = {"source_branch": "plansync/plan", "target_branch": "main", "title": "plansync"}
    made = branched.mergerequests.create(fields | {"description": "why"})
    assert (made.iid, made.state, made.description, made.author["username"]) == (
        1,
        "opened",
        "why",
        "sandbox-user",
    )
    assert made.web_url.endswith("/acme/widgets/-/merge_requests/1")
    with pytest.raises(gitlab.GitlabCreateError) as again:
        branched.mergerequests.create(fields)
    assert again.value.response_code == 409 and "!1" in str(again.value)
    found = branched.mergerequests.list(source_branch="plansync/plan", state="opened", get_all=True)
    assert [m.iid for m in found] == [1]
    assert branched.mergerequests.list(source_branch="other", get_all=True) == []
    branched.mergerequests.update(1, {"description": "new", "state_event": "close"})
    closed = branched.mergerequests.get(1)
    assert (closed.description, closed.state) == ("new", "closed")
    assert branched.mergerequests.list(state="opened", get_all=True) == []
    assert branched.mergerequests.create(fields).iid == 2  # the closed one no longer counts


def test_a_merge_request_needs_both_branches(branched: Any) -> None:
    with pytest.raises(gitlab.GitlabCreateError) as missing:
        branched.mergerequests.create(
            {"source_branch": "nowhere", "target_branch": "main", "title": "t"}
        )
    assert 'Branch "nowhere" does not exist' in str(missing.value)
    with pytest.raises(gitlab.GitlabCreateError):
        branched.mergerequests.create(
            {"source_branch": "main", "target_branch": "main", "title": "t"}
        )
