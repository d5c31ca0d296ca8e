"""Repository contents through PyGithub: the blob sha, and the sha check on update."""

from __future__ import annotations

import hashlib

import github
import pytest


def test_create_get_update_delete_a_file(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/files")
    created = repo.create_file("docs/plan.md", "add plan", "# Plan\n")
    got = repo.get_contents("docs/plan.md")
    assert not isinstance(got, list)
    assert got.decoded_content == b"# Plan\n"
    expected = hashlib.sha1(b"blob 7\0# Plan\n").hexdigest()  # git's blob id
    assert got.sha == created["content"].sha == expected
    updated = repo.update_file("docs/plan.md", "edit", "# Plan 2\n", got.sha)
    assert updated["content"].sha != got.sha
    fresh = repo.get_contents("docs/plan.md")
    assert not isinstance(fresh, list)
    assert fresh.decoded_content == b"# Plan 2\n"
    repo.delete_file("docs/plan.md", "remove", fresh.sha)
    with pytest.raises(github.UnknownObjectException):
        repo.get_contents("docs/plan.md")


def test_a_stale_sha_is_409_and_changes_nothing(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/files")
    repo.create_file("plan.md", "add", "one")
    stale = repo.get_contents("plan.md")
    assert not isinstance(stale, list)
    repo.update_file("plan.md", "first writer", "two", stale.sha)
    with pytest.raises(github.GithubException) as caught:
        repo.update_file("plan.md", "second writer", "three", stale.sha)
    assert caught.value.status == 409
    assert "does not match" in caught.value.data["message"]
    now = repo.get_contents("plan.md")
    assert not isinstance(now, list) and now.decoded_content == b"two"


def test_updating_without_a_sha_is_422(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/files")
    repo.create_file("plan.md", "add", "one")
    with pytest.raises(github.GithubException) as caught:
        repo.create_file("plan.md", "again", "two")
    assert caught.value.status == 422


def test_directory_listing(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/tree")
    repo.create_file("docs/a.md", "a", "a")
    repo.create_file("docs/deep/b.md", "b", "b")
    listing = repo.get_contents("docs")
    assert isinstance(listing, list)
    assert sorted((c.name, c.type) for c in listing) == [("a.md", "file"), ("deep", "dir")]
