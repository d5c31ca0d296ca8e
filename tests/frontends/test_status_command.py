"""`plansync status`: plan-only path, plans from plansync.yaml, output forms, the remote hook."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.commands.status import make_status_command, status_command
from plansync.engine.records import RemoteState
from plansync.errors import ConfigError
from plansync.plan import Plan
from tests.conftest import ROOT


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "examples" / "plan.md", tmp_path / "docs" / "plan.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_for_a_named_plan(repo: Path) -> None:
    result = CliRunner().invoke(status_command, ["docs/plan.md"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("docs/plan.md: 1/9 tasks done (11%)")
    assert len(result.output.strip().splitlines()) == 5


def test_plans_come_from_plansync_yaml(repo: Path) -> None:
    (repo / "plansync.yaml").write_text("repo: acme/site\nplans: [docs/plan.md]\n")
    result = CliRunner().invoke(status_command, ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["plans"] and data["plans"][0]["total"]["done"] == 1


def test_markdown_holds_the_table_and_the_picture(repo: Path) -> None:
    result = CliRunner().invoke(status_command, ["docs/plan.md", "--markdown", "--max-nodes", "3"])
    assert result.exit_code == 0, result.output
    assert "| **Total** | 1/9 |" in result.output and "```mermaid" in result.output
    assert "6 more tasks in 3 phases" in result.output


def test_usage_errors_and_a_missing_plan(repo: Path) -> None:
    both = CliRunner().invoke(status_command, ["docs/plan.md", "--json", "--markdown"])
    assert both.exit_code == 2 and "choose one" in both.output
    missing = CliRunner().invoke(status_command, ["nope.md"])
    assert missing.exit_code == 1 and "no such file" in str(missing.exception)
    nothing = CliRunner().invoke(status_command, [])
    assert isinstance(nothing.exception, ConfigError) and "plansync status docs/plan.md" in str(
        nothing.exception
    )


def test_the_remote_lookup_fills_open_issues_unless_offline(repo: Path) -> None:
    calls: list[tuple[str | None, str]] = []

    def lookup(config: str | None, path: str, plan: Plan) -> Mapping[str, RemoteState]:
        calls.append((config, path))
        return {item.key: RemoteState.OPEN for item in plan.items if item.key.startswith("Task")}

    command = make_status_command(lookup)
    result = CliRunner().invoke(command, ["docs/plan.md", "--json"])
    total = json.loads(result.output)["plans"][0]["total"]
    assert total["open_issues"] == 9 and calls == [(None, "docs/plan.md")]
    offline = CliRunner().invoke(command, ["docs/plan.md", "--json", "--offline"])
    assert json.loads(offline.output)["plans"][0]["total"]["open_issues"] is None
    assert len(calls) == 1


def test_help_ends_with_an_example() -> None:
    last = (status_command.help or "").strip().splitlines()[-1].strip()
    assert last.startswith("Example: plansync status")


def test_the_picture_in_the_docs_is_what_status_prints() -> None:
    from plansync.commands.status import status_output

    doc = (ROOT / "docs" / "status.md").read_text(encoding="utf-8")
    generated = doc.split("<!-- generated: plansync status examples/plan.md --markdown -->\n")[1]
    generated = generated.split("<!-- end generated -->")[0]
    assert generated.strip() == status_output(["examples/plan.md"], "markdown").strip()
