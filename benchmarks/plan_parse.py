"""Benchmark: parse + validate and a no-change round trip of a generated 5,000-task plan.

Run: python benchmarks/plan_parse.py [--tasks 5000] [--repeat 9]
Writes benchmarks/results/plan_parse.json and prints the figures (best and median of
--repeat runs). The target on a 2-core machine is under 0.5 s for each measurement.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from plansync.plan import apply_edits, parse_plan, validate

RESULTS = Path(__file__).parent / "results" / "plan_parse.json"


def generate_plan(tasks: int, per_phase: int = 25) -> str:
    """A template-style plan: phases of tasks, each with sub-bullets and a metadata line."""
    lines = ["# Generated Plan - Implementation Plan", "", "## Implementation Tasks", ""]
    for number in range(1, tasks + 1):
        if number % per_phase == 1:
            lines += [f"### Phase {number // per_phase + 1}: Phase of task {number}", ""]
        depends = f"Task {number - 1}" if number > 1 else "None"
        requirements = f"[{number % 17}.1, {number % 13}.2]"
        lines += [
            f"- [{'x' if number % 3 == 0 else ' '}] **Task {number}: Build component {number}**",
            f"  - Implement the `component_{number}` module",
            "  - Add unit tests and documentation",
            f"  - _Requirements: {requirements} | Effort: 4 hours | Dependencies: {depends}_",
            "",
        ]
    return "\n".join(lines)


def timings(repeat: int, work) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Best and median of `repeat` runs (the best is the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return {"best": round(min(times), 4), "median": round(statistics.median(times), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    text = generate_plan(args.tasks)
    plan = parse_plan(text)
    assert len(plan.items) == args.tasks and not validate(plan)
    parse_validate = timings(args.repeat, lambda: validate(parse_plan(text)))
    round_trip = timings(args.repeat, lambda: apply_edits(parse_plan(text), []) == text)
    results = {
        "tasks": args.tasks,
        "lines": text.count("\n") + 1,
        "bytes": len(text.encode()),
        "parse_validate_seconds": parse_validate,
        "round_trip_seconds": round_trip,
        "target_seconds": 0.5,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0 if max(parse_validate["best"], round_trip["best"]) < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
