"""The plansync command line: each command parses options, calls one function, renders, exits.

Exit codes: 0 success, 1 a problem the user can fix (bad plan, bad input), 2 usage error,
3 an unexpected error (a bug: please report it), 130 interrupted.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from pathlib import Path
from typing import ClassVar

import click

from plansync import __version__
from plansync.errors import PlansyncError
from plansync.files import read_text
from plansync.plan import Plan, Severity, parse_plan, validate
from plansync.plan.export import plan_to_dict
from plansync.render import outline
from plansync.secrets import redact
from plansync.ui import Console


class _LazyGroup(click.Group):
    """Commands that load their module only when run: `plansync plan` never imports the
    sandbox, the GitHub Action code or a client library it does not use."""

    LAZY: ClassVar[dict[str, str]] = {
        "plan": "plansync.commands.sync:plan_command",
        "sync": "plansync.commands.sync:sync_command",
        "sandbox": "plansync.sandbox.command:sandbox",
        "action": "plansync.commands.ci:action_command",
        "gitlab-ci": "plansync.commands.ci:gitlab_ci_command",
        "init": "plansync.commands.init:init_command",
        "status": "plansync.commands.service:status_command",
        "import": "plansync.commands.service:import_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            module, _, attribute = self.LAZY[name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plansync")
@click.option("--debug", is_flag=True, help="Show a traceback when something unexpected fails.")
@click.option("-v", "--verbose", is_flag=True, help="Say each step and each retry.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the result and errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: bool, quiet: bool) -> None:
    """Keep a markdown implementation plan and GitHub or GitLab issues in step.

    Example: plansync plan docs/plan.md   (then: plansync sync docs/plan.md)
    """
    ctx.obj = {"debug": debug, "console": Console(-1 if quiet else 1 if verbose else 0)}


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
