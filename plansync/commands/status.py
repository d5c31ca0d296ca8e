"""`plansync status`: per-phase progress of the plan(s), as text, JSON or markdown.

Reads only the plan unless a `RemoteLookup` is given (the CLI passes one that asks the
service for each task's issue state); without it, or with --offline, the plan decides.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from plansync import status as progress_of
from plansync.config import load as load_config
from plansync.engine.records import RemoteState
from plansync.errors import ConfigError
from plansync.files import read_text
from plansync.picture import PictureOptions
from plansync.plan import Plan, parse_plan

# (config file or None, plan path, parsed plan) -> task key -> issue state; None: unknown
RemoteLookup = Callable[[str | None, str, Plan], Mapping[str, RemoteState] | None]


def plan_paths(given: tuple[str, ...], config_path: str | None) -> tuple[list[str], str | None]:
    """The plans to show: those named, else the `plans:` of plansync.yaml."""
    if config_path is None and Path("plansync.yaml").is_file():
        config_path = "plansync.yaml"
    if given:
        return list(given), config_path
    if config_path is None:
        raise ConfigError(
            "no plan given and no plansync.yaml here", "name one: plansync status docs/plan.md"
        )
    return list(load_config(config_path, {}).plans), config_path


def status_output(
    paths: list[str],
    output: str,
    lookup: RemoteLookup | None = None,
    config_path: str | None = None,
    options: PictureOptions | None = None,
    ascii_only: bool = False,
) -> str:
    """The status of each plan as text ("text", "json" or "markdown")."""
    reports = []
    texts = []
    for path in paths:
        plan = parse_plan(read_text(path), path=path)
        remote = lookup(config_path, path, plan) if lookup is not None else None
        report = progress_of.progress(plan, remote, name=path)
        reports.append(progress_of.as_json(report))
        if output == "markdown":
            texts.append(progress_of.render_markdown(plan, report, remote, options))
        elif output == "text":
            texts.append(progress_of.render_text(report, ascii_only=ascii_only))
    if output == "json":  # one shape, however many plans
        return json.dumps({"plans": reports}, indent=2, ensure_ascii=False)
    return "\n\n".join(text.rstrip("\n") for text in texts)


def make_status_command(lookup: RemoteLookup | None = None) -> click.Command:
    """The click command; `lookup` fills in issue states from the service when reachable."""

    @click.command(name="status")
    @click.argument("plans", metavar="[PLAN]...", nargs=-1)
    @click.option(
        "--config",
        "config_path",
        metavar="FILE",
        envvar="PLANSYNC_CONFIG",
        help="Settings file whose plans to show (default: ./plansync.yaml if present).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
    @click.option(
        "--markdown", is_flag=True, help="Print a table and a Mermaid picture, for summaries."
    )
    @click.option("--offline", is_flag=True, help="Read only the plan; do not ask the service.")
    @click.option(
        "--max-nodes",
        type=click.IntRange(1, 1000),
        default=60,
        show_default=True,
        help="Tasks drawn at most in the --markdown picture; the rest are counted.",
    )
    def status(
        plans: tuple[str, ...],
        config_path: str | None,
        as_json: bool,
        markdown: bool,
        offline: bool,
        max_nodes: int,
    ) -> None:
        """Show each phase's progress: tasks done of all, in progress, blocked (waiting
        for an unfinished dependency), open and skipped, with a bar per phase.

        PLAN defaults to the plans in plansync.yaml. --json prints the numbers; --markdown
        prints a table and a Mermaid picture of the plan (GitHub and GitLab render it).

        Example: plansync status docs/plan.md --markdown >> "$GITHUB_STEP_SUMMARY"
        """
        if as_json and markdown:
            raise click.UsageError("choose one of --json and --markdown")
        paths, config = plan_paths(plans, config_path)
        output = "json" if as_json else "markdown" if markdown else "text"
        ascii_only = (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
        text = status_output(
            paths,
            output,
            None if offline else lookup,
            config,
            PictureOptions(max_nodes=max_nodes),
            ascii_only,
        )
        click.echo(text)

    return status


status_command = make_status_command()
