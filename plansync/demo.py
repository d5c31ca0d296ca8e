"""`plansync demo`: a real sync of a plan against the built-in sandbox, step by step."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from plansync import report
from plansync.config import Config
from plansync.engine.records import RemoteState
from plansync.files import read_text, write_text_atomic
from plansync.plan import SetMarker, apply_edits, parse_plan
from plansync.providers.github import GitHubProvider
from plansync.sandbox import Sandbox
from plansync.sync import apply, compute
from plansync.transport import Transport, TransportSettings

REPO = "demo/team-invitations"


def run_demo(source: Path, workdir: Path | None, echo: Callable[[str], None]) -> int:
    """Sync a copy of `source` with a fresh sandbox, show a change on each side, re-sync."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="plansync-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    plan_path = workdir / "plan.md"
    shutil.copy(source, plan_path)
    with Sandbox() as sandbox:
        config = Config(
            provider="github",
            repo=REPO,
            base_url=sandbox.github_url,
            token_env="GITHUB_TOKEN",
            plans=(str(plan_path),),
        )
        # No pacing: the sandbox sets no write budget of its own for the demo.
        transport = Transport(TransportSettings(write_interval=0))
        provider = GitHubProvider(config.base_url, REPO, sandbox.token, transport)
        where = f"the sandbox's GitHub repository {REPO}"

        def step(title: str, write: bool = True) -> None:
            sandbox.reset_stats()
            plan, changes = compute(config, str(plan_path), provider)
            echo(f"\n== {title}\n")
            echo(report.describe(changes, where, plan_path.name))
            if write and not changes.in_sync:
                echo(
                    report.done(
                        apply(config, str(plan_path), plan, changes, provider),
                        changes,
                        plan_path.name,
                    )
                )
            stats = sandbox.stats()
            echo(f"   ({stats['requests']} API requests, {stats['writes']} writes)")

        echo(f"plansync demo: a GitHub-compatible sandbox is running at {sandbox.github_url}")
        echo(f"working on a copy of {source} in {plan_path}")
        step("1. plansync sync: the plan becomes milestones and issues")
        _show_issues(sandbox, echo)

        echo("\n== 2. Meanwhile: issue #3 is closed on GitHub, and Task 2 is ticked in the plan")
        provider.update_issue(3, state=RemoteState.DONE)
        plan = parse_plan(read_text(plan_path))
        write_text_atomic(plan_path, apply_edits(plan, [SetMarker("Task 2", "x")]))
        step("3. plansync sync: each side follows the other")
        step("4. plansync plan: a second run finds nothing to do", write=False)
        echo(f"\nThe plan now points at its issues: {plan_path}")
        for line in read_text(plan_path).splitlines():
            if line.startswith("- [") and "**Task" in line:
                echo(f"   {line}")
    return 0


def _show_issues(sandbox: Sandbox, echo: Callable[[str], None]) -> None:
    repo = sandbox.github_client().get_repo(REPO)
    echo("\n   issues on the sandbox:")
    for issue in sorted(repo.get_issues(state="all"), key=lambda i: i.number):
        milestone = f"  [{issue.milestone.title}]" if issue.milestone else ""
        echo(f"   #{issue.number:<3} {issue.state:<6} {issue.title}{milestone}")
