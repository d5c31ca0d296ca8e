"""Benchmark: big first syncs against the sandbox's default GitHub limits, and wall time under
emulated network latency.

Run: python benchmarks/resilience.py [--big 300 2000] [--latency-ms 50] [--latency-tasks 50]
Writes benchmarks/results/resilience.json:
- for each big N, one first sync on a fake clock (waits cost no real time): its virtual
  duration, the waits it reported (count and total), the floor that GitHub's content limits
  set (1 s between writes, 80 a minute, 500 an hour), requests, writes and refused requests;
- a 500-task first sync on a workflow token's 1,000 points an hour;
- a first sync of a small plan against a real-time sandbox answering every request after
  `--latency-ms`, with plansync's pacing and the sandbox's limits off (with them on, the
  1 s between writes and GitHub's 80 writes a minute dominate: `paced_floor_seconds`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from plan_parse import generate_plan

from plansync.config import Config
from plansync.run import Mode, Settings, run
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import defaults_for

RESULTS = Path(__file__).parent / "results" / "resilience.json"


def floor_seconds(writes: int, per_minute: int = 80, per_hour: int = 500) -> float:
    """The least time `writes` writes take under GitHub's content limits (sliding windows)."""
    times: list[float] = []
    for n in range(writes):
        start = times[-1] + 1.0 if times else 0.0
        if n >= per_minute:
            start = max(start, times[n - per_minute] + 60.0)
        if n >= per_hour:
            start = max(start, times[n - per_hour] + 3600.0)
        times.append(start)
    return times[-1] if times else 0.0


def first_sync(
    tasks: int, limits: dict[str, Any] | None = None, **transport: Any
) -> dict[str, Any]:
    fake = FakeTime()
    with tempfile.TemporaryDirectory() as work, Sandbox(clock=fake) as sandbox:
        sandbox.set_limits(**(limits or {}))
        plan_path = Path(work) / "plan.md"
        plan_path.write_text(generate_plan(tasks), encoding="utf-8")
        config = Config(repo="bench/big", base_url=sandbox.github_url, plans=(str(plan_path),))
        chosen = replace(defaults_for("github"), **transport)
        settings = Settings(config, sandbox.token, transport=chosen, max_creates=10**6)
        start, cpu, virtual = time.perf_counter(), time.process_time(), fake.time()
        report = run(settings, Mode.SYNC, clock=fake.time, sleep=fake.sleep)
        stats = sandbox.stats()
        statuses = stats["by_status"]
        return {
            "tasks": tasks,
            "exit": report.exit_code,
            "requests": stats["requests"],
            "writes": stats["writes"],
            "refused": int(statuses.get("403", 0)) + int(statuses.get("429", 0)),
            "virtual_seconds": round(fake.time() - virtual, 1),
            "floor_seconds": floor_seconds(report.stats.writes),
            "waits_reported": len(report.waits),
            "waits_reported_seconds": round(sum(w.seconds for w in report.waits), 1),
            "waited_seconds_all": round(report.stats.waited_seconds, 1),
            "wall_seconds": round(time.perf_counter() - start, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
        }


def latency(provider: str, tasks: int, latency_ms: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work, Sandbox(latency_ms=latency_ms) as sandbox:
        # Limits lifted: this measures the network; with them, 118 writes take a minute or more.
        sandbox.set_limits(content_per_minute=10**6, content_per_hour=10**6)
        (Path(work) / ".git").mkdir()
        plan_path = Path(work) / "plan.md"
        plan_path.write_text(generate_plan(tasks), encoding="utf-8")
        base_url = sandbox.github_url if provider == "github" else sandbox.url
        config = Config(provider=provider, repo="bench/lat", base_url=base_url)
        config = replace(config, plans=(str(plan_path),))
        unpaced = replace(
            defaults_for(provider), write_interval=0, content_per_minute=None, content_per_hour=None
        )
        start = time.perf_counter()
        report = run(Settings(config, sandbox.token, transport=unpaced), Mode.SYNC)
        return {
            "provider": provider,
            "tasks": tasks,
            "latency_ms": latency_ms,
            "exit": report.exit_code,
            "requests": report.stats.requests,
            "wall_seconds": round(time.perf_counter() - start, 2),
            "floor_seconds_at_latency": round(report.stats.requests * latency_ms / 1000, 2),
            "paced_floor_seconds": floor_seconds(report.stats.writes),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, nargs="*", default=[300, 2000])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--latency-tasks", type=int, default=50)
    parser.add_argument("--only-latency", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not args.only_latency:  # else keep the big runs' last figures
        results["big_first_sync"] = [first_sync(n) for n in args.big]
        results["workflow_token_500"] = first_sync(500, {"rate_limit": 1000})
    results["latency"] = [
        latency(provider, args.latency_tasks, args.latency_ms) for provider in ("github", "gitlab")
    ]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
