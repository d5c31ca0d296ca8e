"""The plansync command line: each command parses options, calls one function, renders, exits.

Exit codes: 0 success, 1 a problem the user can fix (bad plan, bad input), 2 usage error,
3 an unexpected error (a bug: please report it), 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from plansync import __version__, report
from plansync.config import PROVIDERS, Config
from plansync.config import load as load_config
from plansync.errors import PlansyncError
from plansync.files import read_text
from plansync.plan import Plan, Severity, parse_plan, validate
from plansync.plan.export import plan_to_dict
from plansync.providers import connect
from plansync.render import outline
from plansync.sandbox.command import sandbox
from plansync.sync import apply, compute

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plansync")
@click.option("--debug", is_flag=True, help="Show a traceback when something unexpected fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Keep a markdown implementation plan and GitHub or GitLab issues in step."""
    ctx.obj = {"debug": debug}


def _load(path: str) -> Plan:
    return parse_plan(read_text(path), path=path)


@cli.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
def parse(plan_path: str, as_json: bool) -> None:
    """Read PLAN and show its sections and items.

    Example: plansync parse examples/plan.md --json
    """
    plan = _load(plan_path)
    if as_json:
        click.echo(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2))
    else:
        click.echo(outline(plan))


@cli.command(name="validate")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=True))
def validate_command(plan_path: str) -> None:
    """Check PLAN: duplicate keys, unknown or circular dependencies, empty titles, markers.

    Prints each problem as path:line:col: error|warning: message (hint: ...).
    Exits 0 when there are no errors (warnings allowed) and 1 otherwise.

    Example: plansync validate examples/plan.md
    """
    plan = _load(plan_path)
    problems = validate(plan)
    for problem in problems:
        click.echo(problem.render(plan_path))
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    tasks = sum(1 for item in plan.items if item.kind.value == "task")
    summary = (
        f"{plan_path}: {tasks} tasks, {len(plan.items) - tasks} checklist items, "
        f"{errors} errors, {warnings} warnings"
    )
    click.echo(summary, err=True)
    if errors:
        sys.exit(1)


cli.add_command(sandbox)


def _sync_options(function: F) -> F:
    options = [
        click.argument("plan_paths", metavar="[PLAN]...", nargs=-1),
        click.option(
            "--config",
            "config_path",
            metavar="FILE",
            help="Settings file (default: ./plansync.yaml if present).",
        ),
        click.option("--provider", type=click.Choice(PROVIDERS), help="github or gitlab."),
        click.option(
            "--repo", metavar="OWNER/NAME", help="Repository (GitHub) or project path (GitLab)."
        ),
        click.option(
            "--base-url",
            metavar="URL",
            help="API base URL: GitHub Enterprise, self-managed GitLab, the sandbox.",
        ),
        click.option(
            "--token-env",
            metavar="VAR",
            help="Environment variable holding the token (default GITHUB_TOKEN / GITLAB_TOKEN).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _settings(config_path: str | None, overrides: dict[str, Any]) -> Config:
    if config_path is None and Path("plansync.yaml").is_file():
        config_path = "plansync.yaml"
    return load_config(config_path, overrides)


def _run_sync(apply_changes: bool, direction: str, **options: Any) -> int:
    plans = tuple(options.pop("plan_paths"))
    as_json = options.pop("as_json")
    config = _settings(options.pop("config_path"), {**options, "plans": plans})
    token = config.token()
    interval = float(os.environ.get("PLANSYNC_WRITE_INTERVAL", "1.0"))
    provider = connect(config, token, interval)
    where = f"{config.provider} {config.repo}"
    pending = False
    conflicts = False
    results = []
    for plan_path in config.plans:
        plan, changes = compute(config, plan_path, provider, direction)
        pending = pending or not changes.in_sync
        conflicts = conflicts or bool(changes.conflicts)
        if as_json:
            results.append({"plan": plan_path, **report.as_json(changes)})
        else:
            click.echo(report.describe(changes, where, plan_path, color=sys.stdout.isatty()))
        if apply_changes and not changes.in_sync:
            outcome = apply(config, plan_path, plan, changes, provider)
            if not as_json:
                click.echo(report.done(outcome, changes, plan_path))
    if as_json:
        click.echo(
            json.dumps(results if len(results) != 1 else results[0], indent=2, ensure_ascii=False)
        )
    if apply_changes:
        return 1 if conflicts else 0
    return 2 if pending else 0


@cli.command(name="plan")
@_sync_options
def plan_command(**options: Any) -> None:
    """Show what a sync would change, on the service and in the plan; change nothing.

    Exit code 0 when both sides are in sync, 2 when changes are pending.

    Example: plansync plan --provider github --repo acme/site docs/plan.md
    """
    sys.exit(_run_sync(False, "both", **options))


@cli.command(name="sync")
@_sync_options
@click.option(
    "--direction",
    type=click.Choice(["both", "push", "pull"]),
    default="both",
    show_default=True,
    help="push: change only the service; pull: change only the plan.",
)
def sync_command(direction: str, **options: Any) -> None:
    """Bring the plan and the issues in step, and write the plan back (only changed bytes).

    Exit code 0 when done, 1 when conflicts were left for a person to resolve.

    Example: GITHUB_TOKEN=... plansync sync --repo acme/site docs/plan.md
    """
    sys.exit(_run_sync(True, direction, **options))


@cli.command()
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="The plan to sync (default: the bundled example).",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where to put the copy of the plan (default: a new temporary directory).",
)
def demo(plan_path: str | None, workdir: str | None) -> None:
    """Sync a copy of a plan with the built-in sandbox, offline, and show each step.

    Needs no token and no network: the sandbox is a GitHub-compatible server on
    127.0.0.1 that runs inside this command. Your plan file itself is not changed.

    Example: plansync demo --plan docs/plan.md
    """
    from plansync.demo import run_demo

    source = Path(plan_path) if plan_path else _example_plan()
    sys.exit(run_demo(source, Path(workdir) if workdir else None, click.echo))


def _example_plan() -> Path:
    bundled = Path(__file__).parent / "examples" / "plan.md"
    return bundled if bundled.is_file() else Path(__file__).parents[1] / "examples" / "plan.md"


def main(argv: list[str] | None = None) -> None:
    """The one error boundary: a user error is one line; a bug says so; Ctrl-C is quiet."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="plansync", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except PlansyncError as error:
        click.echo(redact(f"error: {error}"), err=True)
        sys.exit(1)
    except Exception as error:  # the boundary that turns bugs into a clean report
        if debug:
            click.echo(redact(traceback.format_exc()), err=True)
        click.echo(
            redact(f"plansync {__version__}: unexpected error: {type(error).__name__}: {error}\n")
            + "This is a bug; please report it with the command you ran (use --debug for details).",
            err=True,
        )
        sys.exit(3)


def redact(text: str) -> str:
    """Hide the value of every token-like environment variable, wherever it appears."""
    for name, value in os.environ.items():
        if len(value) >= 8 and any(
            word in name.upper() for word in ("TOKEN", "SECRET", "PASSWORD")
        ):
            text = text.replace(value, "***")
    return text
