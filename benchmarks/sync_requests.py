"""Benchmark: API requests per sync against the sandbox, for generated plans of N tasks.

Run: python benchmarks/sync_requests.py [--tasks 50 500] [--provider github gitlab]
Writes benchmarks/results/sync_requests.json. For each N: the first sync, an immediate
re-sync (no change), and a sync after ticking 10 boxes; requests and writes come from
the sandbox's own counters. The lower bound of a first sync is one write per label,
milestone, issue and relation, plus one listing per kind; of a no-op re-sync, the listings.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from plan_parse import generate_plan

from plansync.config import Config
from plansync.files import read_text, write_text_atomic
from plansync.plan import SetMarker, apply_edits, parse_plan
from plansync.providers import connect
from plansync.sandbox import Sandbox
from plansync.sync import apply, compute
from plansync.transport import Transport, TransportSettings

RESULTS = Path(__file__).parent / "results" / "sync_requests.json"
UNLIMITED = {"rate_limit": 10**9, "content_per_minute": 10**9, "content_per_hour": 10**9}
GITLAB_UNLIMITED = {
    "issues_per_minute": 10**9,
    "notes_per_minute": 10**9,
    "requests_per_minute": 10**9,
}


def measure(sandbox: Sandbox, config: Config, plan_path: Path) -> dict[str, float]:
    sandbox.reset_stats()
    start = time.perf_counter()
    # No pacing and no budgets: the sandbox's limits are lifted, and requests are what counts.
    quick = TransportSettings(write_interval=0, content_per_minute=None, content_per_hour=None)
    provider = connect(config, sandbox.token, Transport(quick))
    plan, changes = compute(config, str(plan_path), provider)
    apply(config, str(plan_path), plan, changes, provider)
    stats = sandbox.stats()
    return {
        "requests": stats["requests"],
        "writes": stats["writes"],
        "seconds": round(time.perf_counter() - start, 3),
    }


def run(provider: str, tasks: int) -> dict[str, object]:
    with (
        tempfile.TemporaryDirectory() as work,
        Sandbox(config={"gitlab": GITLAB_UNLIMITED}) as sandbox,
    ):
        sandbox.set_limits(**UNLIMITED)
        plan_path = Path(work) / "plan.md"
        plan_path.write_text(generate_plan(tasks), encoding="utf-8")
        base_url = sandbox.github_url if provider == "github" else sandbox.url
        config = Config(
            provider=provider, repo="bench/plan", base_url=base_url, plans=(str(plan_path),)
        )
        first = measure(sandbox, config, plan_path)
        noop = measure(sandbox, config, plan_path)
        plan = parse_plan(read_text(plan_path))
        open_tasks = [i.key for i in plan.items if not i.checked][:10]
        write_text_atomic(plan_path, apply_edits(plan, [SetMarker(k, "x") for k in open_tasks]))
        ticked = measure(sandbox, config, plan_path)
        phases = -(-tasks // 25)
        lower_first = (
            1 + phases + tasks + (tasks - 1) + tasks // 3 + 3
        )  # label, milestones, issues, relations, closes, listings
        return {
            "provider": provider,
            "tasks": tasks,
            "first_sync": first,
            "lower_bound_first": lower_first,
            "noop_resync": noop,
            "lower_bound_noop": 3,
            "ten_ticked": ticked,
            "lower_bound_ten": 3 + 10,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--provider", nargs="+", default=["github", "gitlab"])
    args = parser.parse_args()
    results = [run(provider, n) for provider in args.provider for n in args.tasks]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
