"""Docs that cannot drift: every command is in the README and its help ends with an example;
docs/cli.md is the commands' --help, regenerated with PLANSYNC_UPDATE_DOCS=1."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from plansync.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = ROOT / "docs" / "cli.md"
COMMANDS = cli.list_commands(click.Context(cli))


def command(name: str) -> click.Command:
    found = cli.get_command(click.Context(cli), name)
    assert found is not None, name
    return found


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_with_an_example(name: str) -> None:
    assert f"plansync {name}" in README, f"README.md does not show `plansync {name}`"
    help_text = command(name).help or ""
    assert "Example:" in help_text, f"`plansync {name} --help` has no example"


def test_readme_starts_with_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install" in block[0] and block[0].endswith("plansync demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == block[1], ".ci/run must run the README's test command"


def help_of(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="plansync", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def cli_reference() -> str:
    parts = [
        "# Command-line reference",
        "",
        "Generated from `plansync ... --help`; `tests/test_docs.py` fails when it is out of",
        "date (`PLANSYNC_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_docs.py` rewrites it).",
        "",
        "```",
        help_of(),
        "```",
    ]
    for name in COMMANDS:
        parts += ["", f"## plansync {name}", "", "```", help_of(name), "```"]
    return "\n".join(parts) + "\n"


def test_the_cli_reference_is_the_help_of_every_command() -> None:
    # In a fresh interpreter: click keeps the help option a command first built, and other
    # tests invoke some commands on their own, without the group's `-h`.
    code = "from tests.test_docs import cli_reference; print(cli_reference(), end='')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    expected = result.stdout
    if os.environ.get("PLANSYNC_UPDATE_DOCS"):
        CLI_DOC.write_text(expected, encoding="utf-8")
    assert CLI_DOC.read_text(encoding="utf-8") == expected, "docs/cli.md is out of date"
