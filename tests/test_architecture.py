"""The layering the house style promises: plan/ and engine/ are pure (no I/O, no clock, no
environment), and dependencies point inward."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PURE_PACKAGES = ["plan", "engine"]
FORBIDDEN = {
    "os",
    "io",
    "pathlib",
    "socket",
    "time",
    "datetime",
    "random",
    "subprocess",
    "requests",
    "urllib",
    "http",
    "github",
    "gitlab",
    "tempfile",
    "shutil",
    "click",
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pure_packages_do_no_io() -> None:
    checked = 0
    for package in PURE_PACKAGES:
        for path in (ROOT / "plansync" / package).glob("*.py"):
            bad = imports_of(path) & FORBIDDEN
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
            checked += 1
    assert checked >= 5


def test_no_module_is_too_long_to_read_in_one_sitting() -> None:
    for path in (ROOT / "plansync").rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines"


def plansync_imports_of(path: Path) -> set[str]:
    """The plansync modules `path` imports, as dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("plansync"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("plansync"))
    return names


def test_dependencies_point_inward() -> None:
    """plan/ knows nothing of the engine; neither knows the shell, settings or front ends."""
    allowed = {
        "plan": ("plansync.plan", "plansync.errors"),
        "engine": ("plansync.plan", "plansync.engine", "plansync.errors"),
    }
    for package, prefixes in allowed.items():
        for path in (ROOT / "plansync" / package).glob("*.py"):
            for name in plansync_imports_of(path):
                assert name.startswith(prefixes), f"{path.relative_to(ROOT)} imports {name}"


def test_the_sandbox_is_loaded_only_by_the_commands_that_use_it() -> None:
    """`plansync plan`/`sync` and the library call never import the sandbox (nor both
    client libraries): front ends load what they use."""
    code = (
        "import sys, plansync.cli, plansync.run, plansync.commands.sync, plansync.commands.ci;"
        "from plansync.cli import cli; import click;"
        "cli.get_command(click.Context(cli), 'sync');"
        "print(sorted(m for m in sys.modules if m.startswith(('plansync.sandbox', 'gitlab'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
