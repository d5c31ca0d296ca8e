"""Benchmark: API requests, writes and rate-limit points per sync, for generated plans of N tasks.

Run: python benchmarks/sync_requests.py [--tasks 50 500] [--provider github gitlab]
Writes benchmarks/results/sync_requests.json. For each N: the first sync, a no-op re-sync
without ETags, a no-op re-sync with a warm ETag cache, and a sync after ticking 10 boxes. The
sandbox runs on a fake clock with its default limits and plansync with its default pacing, so
waits cost no real time; counts come from the sandbox's own counters. Lower bounds: a first
sync needs one write per label, milestone, issue, relation and done task (its close), plus one
listing per kind; a no-op re-sync, the three listings (and no points with ETags).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from plan_parse import generate_plan

from plansync.config import Config
from plansync.files import read_text, write_text_atomic
from plansync.plan import SetMarker, apply_edits, parse_plan
from plansync.run import Mode, Settings, run
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import defaults_for

RESULTS = Path(__file__).parent / "results" / "sync_requests.json"


def measure(sandbox: Sandbox, fake: FakeTime, settings: Settings) -> dict[str, float]:
    sandbox.reset_stats()
    start, virtual = time.perf_counter(), fake.time()
    report = run(settings, Mode.SYNC, clock=fake.time, sleep=fake.sleep)
    assert report.exit_code == 0, report.stopped
    stats = sandbox.stats()
    return {
        "requests": stats["requests"],
        "writes": stats["writes"],
        "points": stats["rate_limit_points"],
        "not_modified": stats["not_modified"],
        "virtual_seconds": round(fake.time() - virtual, 1),
        "seconds": round(time.perf_counter() - start, 3),
    }


def bench(provider: str, tasks: int) -> dict[str, object]:
    fake = FakeTime()
    with tempfile.TemporaryDirectory() as work, Sandbox(clock=fake) as sandbox:
        (Path(work) / ".git").mkdir()
        plan_path = Path(work) / "plan.md"
        plan_path.write_text(generate_plan(tasks), encoding="utf-8")
        base_url = sandbox.github_url if provider == "github" else sandbox.url
        config = Config(
            provider=provider, repo="bench/plan", base_url=base_url, plans=(str(plan_path),)
        )
        plain = Settings(config, sandbox.token, transport=defaults_for(provider), max_creates=10**6)
        cached = replace(plain, cache_path=str(Path(work) / "etags.json"))
        first = measure(sandbox, fake, cached)
        noop = measure(sandbox, fake, plain)
        measure(sandbox, fake, cached)  # the first sync's writes changed every listing
        noop_etags = measure(sandbox, fake, cached)
        plan = parse_plan(read_text(plan_path))
        open_tasks = [i.key for i in plan.items if not i.checked][:10]
        write_text_atomic(plan_path, apply_edits(plan, [SetMarker(k, "x") for k in open_tasks]))
        ticked = measure(sandbox, fake, plain)
        phases = -(-tasks // 25)
        # label, milestones, issues, relations, closes of done tasks, three listings
        lower_first = 1 + phases + tasks + (tasks - 1) + tasks // 3 + 3
        return {
            "provider": provider,
            "tasks": tasks,
            "first_sync": first,
            "lower_bound_first": lower_first,
            "noop_resync": noop,
            "noop_resync_etags": noop_etags,
            "lower_bound_noop": 3,
            "lower_bound_noop_points_etags": 0,
            "ten_ticked": ticked,
            "lower_bound_ten": 3 + 10,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--provider", nargs="+", default=["github", "gitlab"])
    args = parser.parse_args()
    results = [bench(provider, n) for provider in args.provider for n in args.tasks]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
