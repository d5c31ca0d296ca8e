"""The command line: exit codes, output shapes, and one clear line for each user error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "plan.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plansync", *args], capture_output=True, text=True, timeout=60
    )


def test_parse_json_schema_on_the_example() -> None:
    result = run("parse", str(EXAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Team Invitations - Implementation Plan"
    assert {"key", "title", "line"} <= set(data["sections"][0])
    required = {
        "key",
        "kind",
        "title",
        "state",
        "checked",
        "line",
        "section",
        "parent",
        "requirements",
        "effort",
        "dependencies",
        "priority",
        "owner",
    }
    for item in data["items"]:
        assert required <= set(item)
        assert item["kind"] in ("task", "checklist")
    task3 = next(i for i in data["items"] if i["key"] == "Task 3")
    assert task3 | {"description": None} == task3 | {
        "kind": "task",
        "title": "Invitation API",
        "state": "open",
        "checked": False,
        "section": "Phase 2",
        "parent": None,
        "requirements": ["2.1", "2.2"],
        "effort": "6 hours",
        "dependencies": ["Task 2"],
        "priority": "High",
        "owner": None,
        "description": None,
    }
    lines = EXAMPLE.read_text().splitlines()
    for item in data["items"]:
        assert "[" in lines[item["line"] - 1]


def test_parse_outline_for_people() -> None:
    result = run("parse", str(EXAMPLE))
    assert result.returncode == 0
    assert "[x] Task 1: Invitation Data Model  :14" in result.stdout


def test_validate_clean_plan_exits_0() -> None:
    result = run("validate", str(EXAMPLE))
    assert (result.returncode, result.stdout) == (0, "")
    assert "9 tasks, 7 checklist items, 0 errors, 0 warnings" in result.stderr


def test_validate_reports_problems_and_exits_1(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("- [ ] 1. A\n  - Blocked by: Task 4\n- [ ] 1. B\n")
    result = run("validate", str(plan))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{plan}:2:17: error: '1' refers to unknown task 'Task 4' (hint: fix the task number, or add the task it names)",
        f"{plan}:3:7: error: duplicate key '1' (first used on line 1) (hint: give each task its own number)",
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.md", "missing.md: no such file"),
        (lambda d: d, "is a directory"),
        (
            lambda d: (d / "bin.md").write_bytes(b"\x00\x01") and d / "bin.md",
            "looks like a binary file",
        ),
        (
            lambda d: (d / "l1.md").write_bytes(b"caf\xe9\n") and d / "l1.md",
            "l1.md:1:4: not valid UTF-8",
        ),
    ],
)
def test_bad_files_get_one_clear_line(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    for command in ("parse", "validate"):
        result = run(command, str(setup(tmp_path)))
        assert result.returncode == 1
        assert result.stdout == ""
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_usage_errors_exit_2() -> None:
    result = run("parse")
    assert result.returncode == 2
    assert "Missing argument 'PLAN'" in result.stderr


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("plansync, version ")
    help_text = run("--help").stdout
    for command in ("parse", "validate"):
        assert command in help_text
