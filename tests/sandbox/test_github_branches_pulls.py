"""Branches, git refs, blobs and pull requests through PyGithub: contents on more than one
branch, GitHub's 422s for a second ref or pull request, and the contents responses with
`ref` / `branch` checked against GitHub's OpenAPI description (refs and pulls are not in the
subset it holds)."""

from __future__ import annotations

import github
import pytest

from plansync.sandbox import Sandbox
from tests.sandbox.test_github_support import Recorder, recorder, validate

__all__ = ["recorder"]  # the fixture, imported for this module's tests


def branched(gh: github.Github) -> tuple[object, str]:
    repo = gh.get_repo("octo/branches")
    repo.create_file("docs/plan.md", "add plan", "# Plan\n")
    sha = repo.get_git_ref("heads/main").object.sha
    repo.create_git_ref("refs/heads/plansync/plan", sha)
    return repo, sha


def text(repo: object, ref: str) -> bytes:
    found = repo.get_contents("docs/plan.md", ref=ref)  # type: ignore[attr-defined]
    return bytes(found.decoded_content)


def test_each_branch_has_its_own_files(plansync_github: github.Github) -> None:
    repo, _ = branched(plansync_github)
    current = repo.get_contents("docs/plan.md", ref="plansync/plan")  # type: ignore[attr-defined]
    written = repo.update_file(  # type: ignore[attr-defined]
        "docs/plan.md", "tick", "# Plan 2\n", current.sha, branch="plansync/plan"
    )
    assert text(repo, "main") == b"# Plan\n" and text(repo, "plansync/plan") == b"# Plan 2\n"
    assert written["commit"].parents[0].sha == current_head(repo, "main")
    assert current_head(repo, "plansync/plan") == written["commit"].sha


def current_head(repo: object, branch: str) -> str:
    return str(repo.get_git_ref(f"heads/{branch}").object.sha)  # type: ignore[attr-defined]


def test_ref_and_branch_errors_like_github(plansync_github: github.Github) -> None:
    repo, sha = branched(plansync_github)
    with pytest.raises(github.GithubException) as exists:
        repo.create_git_ref("refs/heads/plansync/plan", sha)  # type: ignore[attr-defined]
    assert exists.value.status == 422 and exists.value.data["message"] == "Reference already exists"
    with pytest.raises(github.GithubException) as missing:
        repo.create_git_ref("refs/heads/other", "0" * 40)  # type: ignore[attr-defined]
    assert missing.value.data["message"] == "Object does not exist"
    with pytest.raises(github.UnknownObjectException):
        current_head(repo, "nowhere")
    with pytest.raises(github.GithubException) as no_ref:
        text(repo, "nowhere")
    assert no_ref.value.status == 404
    assert no_ref.value.data["message"] == "No commit found for the ref nowhere"
    with pytest.raises(github.GithubException) as no_branch:
        repo.create_file("b.md", "add", "b", branch="nowhere")  # type: ignore[attr-defined]
    assert no_branch.value.status == 404


def test_a_branch_moves_only_forward_unless_forced(plansync_github: github.Github) -> None:
    repo, base = branched(plansync_github)
    current = repo.get_contents("docs/plan.md", ref="plansync/plan")  # type: ignore[attr-defined]
    repo.update_file(  # type: ignore[attr-defined]
        "docs/plan.md", "tick", "# Plan 2\n", current.sha, branch="plansync/plan"
    )
    ref = repo.get_git_ref("heads/plansync/plan")  # type: ignore[attr-defined]
    _ = ref.object
    with pytest.raises(github.GithubException) as backwards:
        ref.edit(base)
    assert backwards.value.data["message"] == "Update is not a fast forward"
    ref.edit(base, force=True)
    assert text(repo, "plansync/plan") == b"# Plan\n"


def test_an_old_version_is_found_by_its_blob_sha(plansync_github: github.Github) -> None:
    repo, _ = branched(plansync_github)
    old = repo.get_contents("docs/plan.md")  # type: ignore[attr-defined]
    repo.update_file("docs/plan.md", "edit", "# New\n", old.sha)  # type: ignore[attr-defined]
    assert repo.get_git_blob(old.sha).content.strip() == "IyBQbGFuCg=="  # type: ignore[attr-defined]


def test_one_open_pull_request_per_head(plansync_github: github.Github) -> None:
    repo, _ = branched(plansync_github)
    with pytest.raises(github.GithubException) as empty:
        repo.create_pull(base="main", head="plansync/plan", title="t")  # type: ignore[attr-defined]
    assert "No commits between main and plansync/plan" in str(empty.value.data)
    current = repo.get_contents("docs/plan.md", ref="plansync/plan")  # type: ignore[attr-defined]
    repo.update_file(  # type: ignore[attr-defined]
        "docs/plan.md", "tick", "# Plan 2\n", current.sha, branch="plansync/plan"
    )
    pull = repo.create_pull(  # type: ignore[attr-defined]
        base="main", head="plansync/plan", title="plansync: update", body="why"
    )
    assert (pull.head.ref, pull.base.ref, pull.state, pull.user.login) == (
        "plansync/plan",
        "main",
        "open",
        "sandbox-user",
    )
    assert pull.html_url.endswith("/octo/branches/pull/1")
    with pytest.raises(github.GithubException) as again:
        repo.create_pull(base="main", head="octo:plansync/plan", title="t")  # type: ignore[attr-defined]
    assert "A pull request already exists for octo:plansync/plan." in str(again.value.data)
    found = repo.get_pulls(state="open", head="octo:plansync/plan")  # type: ignore[attr-defined]
    assert [p.number for p in found] == [pull.number]
    assert list(repo.get_pulls(state="open", head="octo:other")) == []  # type: ignore[attr-defined]
    pull.edit(body="new body", state="closed")
    assert repo.get_pull(pull.number).body == "new body"  # type: ignore[attr-defined]
    assert list(repo.get_pulls(state="open")) == []  # type: ignore[attr-defined]


def test_contents_on_a_branch_fit_githubs_openapi(
    plansync_sandbox: Sandbox, recorder: Recorder
) -> None:
    with plansync_sandbox.github_client() as gh:
        repo, _ = branched(gh)
        current = repo.get_contents("docs/plan.md", ref="plansync/plan")  # type: ignore[attr-defined]
        repo.update_file(  # type: ignore[attr-defined]
            "docs/plan.md", "tick", "# Plan 2\n", current.sha, branch="plansync/plan"
        )
        repo.get_contents("docs", ref="plansync/plan")  # type: ignore[attr-defined]
        with pytest.raises(github.GithubException):
            text(repo, "nowhere")
    checked = [e for e in recorder.exchanges if "/contents/" in e.request.path]
    assert len(checked) == 5
    for exchange in checked:
        validate(exchange)
