"""Commands that read the service besides `plan`/`sync`: `status` (issue states, when the
service is reachable) and `import` (a plan file from existing milestones and issues)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from plansync.commands.status import make_status_command
from plansync.commands.sync import run_options, settings_from
from plansync.engine.records import RemoteState
from plansync.errors import PlansyncError
from plansync.files import write_text_atomic
from plansync.importer import import_plan
from plansync.plan import Plan
from plansync.providers import connect
from plansync.run import Mode, run
from plansync.sync import compute
from plansync.transport import EtagCache, Transport


def service_states(
    config_path: str | None, plan_path: str, plan: Plan
) -> Mapping[str, RemoteState] | None:
    """Each task's issue state, or None when the service cannot be asked (no settings, no
    token, unreachable): then `status` shows the plan alone."""
    try:
        settings = settings_from(_no_flags(config_path, plan_path))
        config = settings.config
        transport = Transport(settings.transport, cache=_cache(settings.cache_path))
        try:
            provider = connect(config, settings.token, transport)
            known = compute(config, plan_path, provider)[1].known_issues
        finally:
            transport.close()
    except PlansyncError as error:
        click.echo(f"note: showing the plan alone ({error.message})", err=True)
        return None
    return {key: issue.state for key, issue in known.items()}


def _cache(path: str | None) -> EtagCache | None:
    return EtagCache(path) if path else None


def _no_flags(config_path: str | None, plan_path: str) -> dict[str, Any]:
    names = ("provider", "repo", "base_url", "token_env", "write_interval", "max_wait")
    options: dict[str, Any] = dict.fromkeys(names)
    options.update(max_creates=None, retry_seconds=None, cache_dir=None, as_json=False)
    return options | {"config_path": config_path, "plan_paths": (plan_path,)}


status_command = make_status_command(service_states)


@click.command(name="import")
@run_options
@click.option("--output", "-o", metavar="FILE", required=True, help="The plan file to write.")
@click.option(
    "--label",
    metavar="LABEL",
    help="Import the issues with this label (default: the mapping's label).",
)
@click.option("--title", default="Imported plan", show_default=True, help="The plan's title.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def import_command(output: str, label: str | None, title: str, force: bool, **options: Any) -> None:
    """Write a plan file from the repository's milestones and labelled issues, then sync it
    once so that each issue carries its marker (a later `plansync sync` makes no writes).

    Milestones become phases (by due date), issues become tasks with their numbers;
    closed issues are ticked. Bodies that would not read back from the plan unchanged are
    kept on the issue only.

    Example: plansync import --repo acme/site --output docs/plan.md
    """
    if Path(output).exists() and not force:
        raise PlansyncError(f"{output} exists", "pass --force to replace it, or pick another name")
    settings = settings_from({**options, "plan_paths": (output,)})
    config = settings.config
    transport = Transport(settings.transport)
    try:
        snapshot = connect(config, settings.token, transport).snapshot(
            label or config.mapping.label
        )
    finally:
        transport.close()
    imported = import_plan(snapshot, title, config.mapping.skipped_marker)
    write_text_atomic(output, imported.text)
    click.echo(f"wrote {output}: {imported.tasks} tasks in {imported.phases} phases")
    for number in imported.without_description:
        click.echo(f"  issue #{number}: its body stays on the issue (it would not read back)")
    report = run(settings, Mode.SYNC)
    click.echo(f"adopted the issues: {report.total('issues updated')} updated")
    sys.exit(report.exit_code)
