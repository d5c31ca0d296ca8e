"""Docs that cannot drift: every command is in the README and its help ends with an example."""

from __future__ import annotations

import pytest

from plansync.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented_with_an_example(name: str) -> None:
    assert f"plansync {name}" in README, f"README.md does not show `plansync {name}`"
    help_text = cli.commands[name].help or ""
    assert "Example:" in help_text, f"`plansync {name} --help` has no example"


def test_readme_starts_with_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install" in block[0] and block[0].endswith("plansync demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == block[1], ".ci/run must run the README's test command"
