"""Big first syncs against the sandbox's DEFAULT GitHub limits, on a fake clock (waits are free):
they finish, close to the floor the content-creation limits set, without being refused; and
runs stopped by a limit each make full progress and never re-send a relation.

CPU: the 2,000-task test is the slow one (about 30 s on one core: ~4,800 requests through
PyGithub and the sandbox); the others take a few seconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

from plansync.run import EXIT_OK, EXIT_RATE_LIMITED, Mode, RunReport, run
from tests.resilience import world
from tests.resilience.world import World

RELATION = "POST /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by"
CREATE = "POST /repos/{owner}/{repo}/issues"


def generated_plan(tasks: int, per_phase: int = 25) -> str:
    """Phases of 25 tasks; each task depends on the one before; every third is ticked
    (the shape of benchmarks/plan_parse.py's plans: about 2.4 writes a task)."""
    lines = ["# Generated plan", ""]
    for number in range(1, tasks + 1):
        if number % per_phase == 1:
            lines += [f"### Phase {number // per_phase + 1}: From task {number}", ""]
        depends = f"Task {number - 1}" if number > 1 else "None"
        lines += [
            f"- [{'x' if number % 3 == 0 else ' '}] **Task {number}: Build component {number}**",
            f"  - Implement the `component_{number}` module",
            f"  - _Effort: 4 hours | Dependencies: {depends}_",
            "",
        ]
    return "\n".join(lines)


def floor_seconds(writes: int, per_minute: int = 80, per_hour: int = 500) -> float:
    """The least time `writes` writes can take under GitHub's content limits (sliding minute
    and hour windows) and one second between writes: the earliest schedule, greedily."""
    times: list[float] = []
    for n in range(writes):
        start = times[-1] + 1.0 if times else 0.0
        if n >= per_minute:
            start = max(start, times[n - per_minute] + 60.0)
        if n >= per_hour:
            start = max(start, times[n - per_hour] + 3600.0)
        times.append(start)
    return times[-1] if times else 0.0


def sync(w: World, **transport: Any) -> RunReport:
    settings = replace(w.settings(**transport), max_creates=10_000)
    return run(settings, Mode.SYNC, clock=w.fake.time, sleep=w.fake.sleep)


def refused(w: World) -> int:
    statuses = w.sandbox.stats()["by_status"]
    return int(statuses.get("403", 0)) + int(statuses.get("429", 0))


def test_300_tasks_finish_in_one_run_near_the_floor(tmp_path: Path) -> None:
    with world.world(tmp_path, "github", plan=generated_plan(300)) as w:
        start = w.fake.time()
        report = sync(w)
        elapsed = w.fake.time() - start
        assert report.exit_code == EXIT_OK and report.stopped is None
        assert refused(w) == 0, w.sandbox.stats()["by_status"]
        floor = floor_seconds(report.stats.writes)
        assert floor <= elapsed <= floor * 1.02 + 60, (floor, elapsed)
        assert report.waits, "an hour-long wait must be shown, never silent"
        assert all(wait.seconds >= 5 for wait in report.waits)
        assert Counter(w.keys().values()) == {1: 300}
        assert w.sync(Mode.PLAN).exit_code == EXIT_OK


def test_500_tasks_on_a_workflow_token_wait_for_the_reset(tmp_path: Path) -> None:
    """1,000 points an hour (a workflow's GITHUB_TOKEN): the writes' pacing keeps the run under
    it, and the run finishes (about 1,190 requests) with waits instead of failing."""
    with world.world(tmp_path, "github", plan=generated_plan(500)) as w:
        w.sandbox.set_limits(rate_limit=1000)
        report = sync(w)
        assert report.exit_code == EXIT_OK, report.stopped
        assert report.stats.requests > 1000 and refused(w) == 0
        assert Counter(w.keys().values()) == {1: 500}


def test_500_tasks_on_a_busy_workflow_token_stop_cleanly_and_resume(tmp_path: Path) -> None:
    """Other steps of the workflow spent 800 of the token's 1,000 points: the run stops at
    the primary limit with exit 75, and the run after the reset finishes without sending
    any write twice (no 422 "already exists" for a relation made before the stop)."""
    with world.world(tmp_path, "github", plan=generated_plan(500)) as w:
        w.sandbox.set_limits(rate_limit=1000)
        with requests.Session() as other_steps:
            headers = {"Authorization": f"token {w.sandbox.token}"}
            for _ in range(800):
                other_steps.get(w.sandbox.github_url + "/user", headers=headers)
        w.sandbox.reset_stats()
        stopped = sync(w)
        assert stopped.exit_code == EXIT_RATE_LIMITED and stopped.resume_at is not None
        assert "run again after" in (stopped.stopped or "")
        made = w.keys()
        assert made and set(made.values()) == {1}
        w.fake.advance(stopped.resume_at - w.fake.time())
        assert sync(w).exit_code == EXIT_OK
        assert Counter(w.keys().values()) == {1: 500}
        assert w.sandbox.stats()["by_status"].get("422", 0) == 0


def test_2000_tasks_over_hourly_runs_each_make_full_progress(tmp_path: Path) -> None:
    """The service allows 400 writes an hour, fewer than the 500 plansync paces for (GitHub
    lowers limits without notice) and the run accepts no wait over 30 s: each hourly run
    stops at the secondary limit with exit 75 after its whole budget, adds issues until all
    exist, and no relation is ever sent twice."""
    with world.world(tmp_path, "github", plan=generated_plan(2000)) as w:
        w.sandbox.set_limits(content_per_hour=400)
        runs, counts = 0, [0]
        while True:
            runs += 1
            assert runs <= 15, "no convergence"
            report = sync(w, max_wait=30)
            counts.append(int(w.sandbox.stats()["by_route"].get(CREATE, 0)))
            if report.exit_code == EXIT_OK:
                break
            assert report.exit_code == EXIT_RATE_LIMITED, report.stopped
            assert w.sandbox.stats()["writes"] >= 400 * runs  # the whole budget, every run
            if counts[-2] < 2000:
                assert counts[-1] > counts[-2], f"run {runs} added no issue"
            w.fake.advance(3600)  # a scheduled job, an hour later
        routes = w.sandbox.stats()["by_route"]
        assert routes.get(RELATION) == 1999, "a relation was sent twice (or never)"
        assert w.sandbox.stats()["by_status"].get("422", 0) == 0
        assert Counter(w.keys().values()) == {1: 2000}
        assert w.sync(Mode.PLAN).exit_code == EXIT_OK
