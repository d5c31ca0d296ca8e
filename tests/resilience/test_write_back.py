"""Write-back under faults: the local plan file (a full disk at the first or a later write of a
sync) and the contents API (`write_file`, for plans kept in the repository)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plansync import files
from plansync.errors import PlansyncError
from plansync.plan import apply_edits, parse_plan
from plansync.plan.write import SetMarker
from plansync.providers.github import GitHubProvider
from plansync.providers.gitlab import GitLabProvider
from plansync.publish import publish
from plansync.run import Mode
from plansync.sandbox import Sandbox
from tests.resilience import scenario, world
from tests.resilience.test_fault_matrix import reference
from tests.transport.fakes import fast_transport


def full_disk_from(nth: int) -> Callable[[int], None]:
    """os.fsync that fails with ENOSPC from its `nth` call on (the disk stays full)."""
    calls = [0]
    real = os.fsync

    def fsync(descriptor: int) -> None:
        calls[0] += 1
        if calls[0] >= nth:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(descriptor)

    return fsync


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize("nth", [1, 2], ids=["pulled-edits", "issue-references"])
def test_a_failed_plan_write_loses_nothing(
    provider: str, nth: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write fails with a clear error, the file stays whole, the re-run converges."""
    expected_state, expected_text = reference(provider, tmp_path)
    with world.world(tmp_path / "run", provider) as w:
        scenario.first_sync(w)
        scenario.edit_both_sides(w)
        before = w.text()
        with monkeypatch.context() as patch:
            patch.setattr(files.os, "fsync", full_disk_from(nth))
            with pytest.raises(PlansyncError, match="cannot write: No space left on device"):
                w.sync()
        assert not list(w.plan_path.parent.glob(".plan.md.*")), "a temporary file was left"
        world.assert_plan_whole(w.text(), before)
        assert w.sync().exit_code == 0
        world.assert_one_issue_per_key(w.keys())
        assert w.state() == expected_state
        assert w.text() == expected_text
        assert w.sync(Mode.PLAN).exit_code == 0


def provider_for(sandbox: Sandbox, name: str) -> Any:
    if name == "github":
        return GitHubProvider(sandbox.github_url, "acme/site", sandbox.token, fast_transport())
    return GitLabProvider(sandbox.url, "acme/site", sandbox.token, fast_transport())


CONTENTS = {"github": ("PUT", "/repos/*/contents/*"), "gitlab": ("*", "/projects/*/files/*")}


def contents_cases() -> list[Any]:
    cases = []
    for provider in ("github", "gitlab"):
        for kind in ("500", "503", "reset", "malformed", "lost-response"):
            for replacing in (False, True):
                name = f"{provider}-{kind}-{'replace' if replacing else 'create'}"
                cases.append(pytest.param(provider, kind, replacing, id=name))
    return cases


@pytest.mark.parametrize(("provider", "kind", "replacing"), contents_cases())
def test_contents_write_heals(provider: str, kind: str, replacing: bool) -> None:
    """A refused, cut or garbled contents write lands once, with the new text, and no error."""
    with Sandbox() as sandbox:
        files_api = provider_for(sandbox, provider)
        sha = files_api.write_file("docs/plan.md", "old\n", None, "seed") if replacing else None
        method, pattern = CONTENTS[provider]
        sandbox.set_faults(f"{method} {pattern}: {kind} @1")
        version = files_api.write_file("docs/plan.md", "new\n", sha, "plansync: update")
        assert sandbox.app.faults.describe()["rules"][0]["fired"] == 1
        assert files_api.read_file("docs/plan.md") == ("new\n", version)


def publish_cases() -> list[Any]:
    cases = []
    for provider in ("github", "gitlab"):
        for kind in ("503", "reset", "lost-response", "malformed"):
            cases.append(pytest.param(provider, kind, id=f"{provider}-{kind}"))
    return cases


@pytest.mark.parametrize(("provider", "kind"), publish_cases())
def test_publishing_the_plan_heals(provider: str, kind: str, tmp_path: Path) -> None:
    """CI commits the synced plan back: a fault on that write still commits it once, and no
    edit is reported as giving way to a person (nobody else wrote the file)."""
    base = world.SMALL_PLAN
    local = tmp_path / "plan.md"
    with Sandbox() as sandbox:
        files_api = provider_for(sandbox, provider)
        files_api.write_file("docs/plan.md", base, None, "seed")
        edits = [SetMarker("Task 5", "x")]
        local.write_text(apply_edits(parse_plan(base), edits), encoding="utf-8")
        method, pattern = CONTENTS[provider]
        sandbox.set_faults(f"{method} {pattern}: {kind} @1")
        published = publish(files_api, str(local), "docs/plan.md", base, None, "sync", edits)
        assert sandbox.app.faults.describe()["rules"][0]["fired"] == 1
        remote = files_api.read_file("docs/plan.md")
        assert remote is not None and remote[0] == local.read_text(encoding="utf-8")
        assert published.dropped == (), "plansync's own write was taken for a person's"
