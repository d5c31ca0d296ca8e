"""A sync killed half-way (SIGKILL, no clean-up) and run again: no duplicate, plan intact."""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from plansync.files import read_text
from plansync.plan import parse_plan
from plansync.sandbox import Sandbox
from tests.conftest import ROOT

PROJECT = "acme/site"


def start_sync(sandbox: Sandbox, provider: str, plan_path: Path) -> subprocess.Popen[str]:
    variable = "GITHUB_TOKEN" if provider == "github" else "GITLAB_TOKEN"
    env = dict(os.environ, PLANSYNC_WRITE_INTERVAL="0", **{variable: sandbox.token})
    base_url = sandbox.github_url if provider == "github" else sandbox.url
    command = [
        sys.executable,
        "-m",
        "plansync",
        "sync",
        "--provider",
        provider,
        "--repo",
        PROJECT,
        "--base-url",
        base_url,
        str(plan_path),
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def issue_bodies(sandbox: Sandbox, provider: str) -> list[str]:
    if provider == "github":
        return [
            i.body or "" for i in sandbox.github_client().get_repo(PROJECT).get_issues(state="all")
        ]
    project = sandbox.gitlab_client().projects.get(PROJECT)
    return [i.description or "" for i in project.issues.list(get_all=True, state="all")]


def keys(bodies: list[str]) -> list[str]:
    found = []
    for body in bodies:
        marker = body.split('"key":"', 1)
        found.append(marker[1].split('"', 1)[0] if len(marker) == 2 else "")
    return found


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_killed_half_way_then_rerun_makes_no_duplicates(provider: str, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    plan_path = tmp_path / "plan.md"
    shutil.copy(ROOT / "examples" / "plan.md", plan_path)
    original = parse_plan(read_text(plan_path))
    creates = "POST /repos/*/issues" if provider == "github" else "POST /projects/*/issues"
    with Sandbox() as sandbox:
        # The sixth create waits inside the sandbox: the sync is half-way for certain, however
        # fast or slow the machine (no timing involved).
        sandbox.set_faults(f"{creates}: hold @6")
        process = start_sync(sandbox, provider, plan_path)
        while not sandbox.wait_held(timeout=0.1):  # a slice, so a crashed sync is seen at once
            assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        created_before = len(issue_bodies(sandbox, provider))
        assert created_before == 5, "the sync was not interrupted half-way"
        sandbox.set_faults("")
        sandbox.release_held()  # the held create lands now: a write whose answer nobody read
        assert sandbox.wait_idle()
        after_kill = parse_plan(read_text(plan_path))  # whole, readable, the same tasks
        assert [i.key for i in after_kill.items] == [i.key for i in original.items]

        rerun = start_sync(sandbox, provider, plan_path)
        _, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        counts = collections.Counter(keys(issue_bodies(sandbox, provider)))
        assert len(counts) == 14 and set(counts.values()) == {1}, counts
        again = start_sync(sandbox, provider, plan_path)
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0 and "in sync: nothing to do" in out, out
