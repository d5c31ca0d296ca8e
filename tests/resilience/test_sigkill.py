"""SIGKILL at every request index: `python -m plansync sync` is killed while the sandbox holds
its Nth request (no timing: the test waits for the hold), for every N of a whole first sync
(and of the scenario's second sync, tests/resilience/scenario.py),
then run again to completion. Same final state as an uninterrupted run, no duplicate, the plan
whole at every moment, and no ticked box unticked.

Two variants per N: the held request lands after the kill (a write whose answer nobody read),
or it never does (the kill came just before it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from plansync.run import Mode
from tests.resilience import scenario, world
from tests.resilience.world import World


def start(w: World) -> subprocess.Popen[str]:
    variable = "GITHUB_TOKEN" if w.provider == "github" else "GITLAB_TOKEN"
    env = dict(os.environ, PLANSYNC_WRITE_INTERVAL="0", PLANSYNC_CACHE_DIR="off")
    env[variable] = w.sandbox.token
    command = [sys.executable, "-m", "plansync", "sync", "--provider", w.provider]
    command += ["--repo", world.REPO, "--base-url", w.base_url, str(w.plan_path)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def kill_at(w: World, n: int, lands: bool) -> bool:
    """Run a sync and SIGKILL it while request `n` is held; False if it finished first."""
    # With a reset on the same request, the held request is dropped when released.
    w.sandbox.set_faults(f"*: hold @{n}" if lands else f"*: hold @{n}; *: reset @{n}")
    process = start(w)
    while not w.sandbox.wait_held(timeout=0.05):  # a slice, so an early exit is seen at once
        if process.poll() is not None:
            _, err = process.communicate()
            assert process.returncode == 0, err
            return False
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    w.sandbox.set_faults("")
    w.sandbox.release_held()
    assert w.sandbox.wait_idle()
    return True


def prepare(w: World, sync: str) -> None:
    """Fresh data and plan; for the second sync, a first one and edits on both sides."""
    w.sandbox.reset()
    w.write(world.SMALL_PLAN)
    if sync == "second":
        scenario.first_sync(w)
        scenario.edit_both_sides(w)


CASES = [
    pytest.param("first", True, id="first-sync-held-request-lands"),
    pytest.param("first", False, id="first-sync-never-lands"),
    pytest.param("second", True, id="second-sync-held-request-lands"),
]


@pytest.mark.parametrize(("sync", "lands"), CASES)
@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_killed_at_every_request_then_rerun(
    provider: str, sync: str, lands: bool, tmp_path: Path
) -> None:
    """The second sync pulls edits into the plan, pushes others, creates and links."""
    with world.world(tmp_path / "reference", provider) as calm:
        prepare(calm, sync)
        start = len(calm.sandbox.requests())
        assert calm.sync().exit_code == 0
        expected_state, expected_text = calm.state(), calm.text()
        total = len(calm.sandbox.requests()) - start
    with world.world(tmp_path / "killed", provider) as w:
        n = 0
        while True:
            n += 1
            prepare(w, sync)
            before = w.text()
            if not kill_at(w, n, lands):
                break
            world.assert_plan_whole(w.text(), before)
            report = w.sync()
            assert report.exit_code == 0, (n, report)
            world.assert_one_issue_per_key(w.keys())
            assert w.state() == expected_state, f"killed at request {n}"
            assert w.text() == expected_text, f"killed at request {n}"
            assert w.sync(Mode.PLAN).exit_code == 0, f"killed at request {n}: work left"
        assert n == total + 1, f"the sync made {n - 1} requests; the reference made {total}"
        assert w.state() == expected_state  # the uninterrupted subprocess run
