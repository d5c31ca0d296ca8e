"""Benchmark: plansync's own CPU time for a no-op re-sync of generated plans of N tasks.

Run: python benchmarks/cpu.py [--tasks 500 2000 5000] [--repeat 3] [--profile 5000] [--top 15]
                             [--provider github|gitlab]
Writes benchmarks/results/cpu.json. For each N: a first sync (the sandbox's limits lifted and
plansync's pacing off, so it is quick), a warm-up re-sync, then `--repeat` no-op re-syncs
without the ETag cache and `--repeat` with a warm one; best and median of each. For the
`--profile` size, one more no-op re-sync of each kind under cProfile gives the hot spots.

What is measured: the CPU time of the thread that runs plansync (`time.thread_time()`, the
kernel's per-thread clock). The sandbox serves from threads of this same process, so the
process's CPU time would count the server's work too; plansync itself starts no thread, so
its thread's clock is exactly plansync's CPU (PyGithub, requests and urllib3 included), and
none of the server's. The wall time is shown beside it; it includes the server's work.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from plan_parse import generate_plan

from plansync.config import Config
from plansync.run import Mode, Settings, run
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import defaults_for

RESULTS = Path(__file__).parent / "results" / "cpu.json"
BIG = 10**9
LIFTED = {
    "github": {"rate_limit": BIG, "content_per_minute": BIG, "content_per_hour": BIG},
    "gitlab": {"requests_per_minute": BIG, "issues_per_minute": BIG, "notes_per_minute": BIG},
}


def sync(settings: Settings, fake: FakeTime) -> dict[str, float]:
    """One sync; its CPU (this thread) and wall seconds. A no-op must change nothing."""
    wall, cpu = time.perf_counter(), time.thread_time()
    report = run(settings, Mode.SYNC, clock=fake.time, sleep=fake.sleep)
    figures = {
        "cpu": time.thread_time() - cpu,
        "wall": time.perf_counter() - wall,
        "requests": report.stats.requests,
        "not_modified": report.stats.not_modified,
    }
    assert report.exit_code == 0, report.stopped
    return figures


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    cpu = [r["cpu"] for r in runs]
    return {
        "cpu_best": round(min(cpu), 3),
        "cpu_median": round(statistics.median(cpu), 3),
        "wall_median": round(statistics.median(r["wall"] for r in runs), 3),
        "requests": runs[-1]["requests"],
        "not_modified": runs[-1]["not_modified"],
    }


def hot_spots(work: Callable[[], object], top: int) -> dict[str, list[dict[str, Any]]]:
    """cProfile on this thread's CPU clock (not the wall clock, which would count waiting for
    the sandbox): the functions with the most own time, and plansync's by cumulative time."""
    profile = cProfile.Profile(time.thread_time)
    profile.runcall(work)
    rows = pstats.Stats(profile).stats.items()  # type: ignore[attr-defined]
    spots = [
        {
            "function": f"{_short(path)}:{line}({name})",
            "calls": calls,
            "own_seconds": round(own, 3),
            "cumulative_seconds": round(cumulative, 3),
        }
        for (path, line, name), (_, calls, own, cumulative, _) in rows
    ]
    ours = [s for s in spots if str(s["function"]).startswith("plansync/")]
    return {
        "by_own_time": sorted(spots, key=lambda s: -s["own_seconds"])[:top],
        "plansync_by_cumulative_time": sorted(ours, key=lambda s: -s["cumulative_seconds"])[:top],
    }


def _short(path: str) -> str:
    """A profile row's file, relative to site-packages, the repository or the stdlib."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    if "/plansync/" in path:
        return "plansync/" + path.rsplit("/plansync/", 1)[1]
    return re.sub(r".*/lib/python3\.\d+/", "", path)


def bench(provider: str, tasks: int, repeat: int, profile: bool, top: int) -> dict[str, Any]:
    fake = FakeTime()
    with tempfile.TemporaryDirectory() as work, Sandbox(clock=fake) as sandbox:
        sandbox.set_limits(LIFTED)
        (Path(work) / ".git").mkdir()
        plan_path = Path(work) / "plan.md"
        plan_path.write_text(generate_plan(tasks), encoding="utf-8")
        base_url = sandbox.github_url if provider == "github" else sandbox.url
        config = Config(
            provider=provider, repo="bench/cpu", base_url=base_url, plans=(str(plan_path),)
        )
        unpaced = replace(
            defaults_for(provider), write_interval=0, content_per_minute=None, content_per_hour=None
        )
        plain = Settings(config, sandbox.token, transport=unpaced, max_creates=10**6)
        cached = replace(plain, cache_path=str(Path(work) / "etags.json"))
        first = sync(cached, fake)
        sync(cached, fake)  # the first sync's writes changed every listing: warm the cache
        no_etags = [sync(plain, fake) for _ in range(repeat)]
        etags = [sync(cached, fake) for _ in range(repeat)]
        result: dict[str, Any] = {
            "provider": provider,
            "tasks": tasks,
            "first_sync_cpu": round(first["cpu"], 2),
            "noop_resync": summary(no_etags),
            "noop_resync_etags": summary(etags),
        }
        if profile:
            result["hot_spots"] = hot_spots(lambda: sync(plain, fake), top)
            result["hot_spots_etags"] = hot_spots(lambda: sync(cached, fake), top)
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, nargs="*", default=[5000])
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--provider", choices=["github", "gitlab"], default="github")
    args = parser.parse_args()
    runs = [bench(args.provider, n, args.repeat, n in args.profile, args.top) for n in args.tasks]
    # Runs of other providers or sizes measured before are kept: one file for both services.
    earlier = json.loads(RESULTS.read_text())["runs"] if RESULTS.exists() else []
    measured = {(run["provider"], run["tasks"]) for run in runs}
    kept = [run for run in earlier if (run.get("provider"), run["tasks"]) not in measured]
    results = {
        "measure": "time.thread_time() of the thread running plansync (the sandbox excluded)",
        "runs": sorted(kept + runs, key=lambda run: (run["provider"], run["tasks"])),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
