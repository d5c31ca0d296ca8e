"""A sync killed half-way (SIGKILL, no clean-up) and run again: no duplicate, plan intact."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

from plansync.files import read_text
from plansync.plan import parse_plan
from tests.sync.conftest import REPO, World


def start_sync(world: World) -> subprocess.Popen[str]:
    env = dict(os.environ, GITHUB_TOKEN=world.sandbox.token, PLANSYNC_WRITE_INTERVAL="0")
    command = [
        sys.executable,
        "-m",
        "plansync",
        "sync",
        "--provider",
        "github",
        "--repo",
        REPO,
        "--base-url",
        world.config.base_url,
        str(world.plan_path),
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def keys_of_issues(world: World) -> list[str]:
    keys = []
    for issue in world.repo().get_issues(state="all"):
        marker = (issue.body or "").split('"key":"', 1)
        keys.append(marker[1].split('"', 1)[0] if len(marker) == 2 else "")
    return keys


def test_killed_half_way_then_rerun_makes_no_duplicates(world: World) -> None:
    original = parse_plan(world.text())
    world.sandbox.set_limits({"latency_ms": 40})  # slow enough to stop it mid-way
    process = start_sync(world)
    deadline = time.monotonic() + 60
    while world.sandbox.stats()["by_route"].get("POST /repos/{owner}/{repo}/issues", 0) < 5:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    created_before = len(keys_of_issues(world))
    assert 5 <= created_before < 14, "the sync was not interrupted half-way"
    after_kill = parse_plan(read_text(world.plan_path))  # whole, readable, same tasks
    assert [i.key for i in after_kill.items] == [i.key for i in original.items]

    world.sandbox.set_limits({"latency_ms": 0})
    rerun = start_sync(world)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    counts = collections.Counter(keys_of_issues(world))
    assert len(counts) == 14 and set(counts.values()) == {1}, counts
    assert world.plan().in_sync
