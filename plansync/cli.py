"""The plansync command line: each command parses options, calls one function, renders, exits."""
from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """Keep a markdown plan and GitHub or GitLab issues in step."""


def main() -> None:
    cli()
