"""`plansync init`: write a commented plansync.yaml for this repository and say what's next."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from plansync.config import PROVIDERS
from plansync.initialize import Ask, run_init


def prompt(question: str, choices: Sequence[str]) -> str:
    """Ask on the terminal, with the choices numbered; the first is the default."""
    click.echo(question, err=True)
    for number, choice in enumerate(choices, 1):
        click.echo(f"  {number}. {choice}", err=True)
    picked: int = click.prompt("Number", type=click.IntRange(1, len(choices)), default=1, err=True)
    return choices[picked - 1]


@click.command(name="init")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: take the detected values.")
@click.option("--force", is_flag=True, help="Replace an existing plansync.yaml.")
@click.option(
    "--provider",
    type=click.Choice(PROVIDERS),
    envvar="PLANSYNC_PROVIDER",
    help="github or gitlab (default: from the git remote's host).",
)
@click.option(
    "--repo",
    metavar="OWNER/NAME",
    envvar="PLANSYNC_REPO",
    help="Repository or project path (default: from the git remote).",
)
@click.option(
    "--base-url",
    metavar="URL",
    envvar="PLANSYNC_BASE_URL",
    help="API base URL (default: from the git remote's host).",
)
@click.option(
    "--plan",
    "plans",
    metavar="FILE",
    multiple=True,
    help="The plan file(s) to sync (default: found in docs/, specs/, .kiro/specs/, the top).",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True),
    default=".",
    help="The repository's top folder (default: the current folder).",
)
def init_command(
    yes: bool,
    force: bool,
    provider: str | None,
    repo: str | None,
    base_url: str | None,
    plans: tuple[str, ...],
    directory: str,
) -> None:
    """Write plansync.yaml for this repository: the service and repository from the git
    remote (GitHub, GitLab, self-hosted), the plan files found, every setting commented.

    Asks only what it cannot detect (which of several plan files; which service runs on an
    unknown host). With --yes, or when input is not a terminal, it asks nothing and takes
    the detected values. An existing plansync.yaml is kept unless --force is given.

    Example: plansync init --yes
    """
    ask: Ask | None = None if yes or not sys.stdin.isatty() else prompt
    text = run_init(Path(directory), ask, force, provider, repo, base_url, plans)
    click.echo(text)
