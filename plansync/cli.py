"""The plansync command line: each command parses options, calls one function, renders, exits.

Exit codes: 0 success, 1 a problem the user can fix (bad plan, bad input), 2 usage error,
3 an unexpected error (a bug: please report it), 130 interrupted.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from plansync import __version__
from plansync.errors import PlansyncError
from plansync.files import read_text
from plansync.plan import Plan, Severity, parse_plan, validate
from plansync.plan.export import plan_to_dict
from plansync.render import outline

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
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except Exception as error:  # the boundary that turns bugs into a clean report
        if debug:
            traceback.print_exc()
        click.echo(
            f"plansync {__version__}: unexpected error: {type(error).__name__}: {error}\n"
            "This is a bug; please report it with the command you ran (use --debug for details).",
            err=True,
        )
        sys.exit(3)
