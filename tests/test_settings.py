"""Where each setting comes from: a flag, then the PLANSYNC_* environment, then plansync.yaml,
then the default; and bad values are one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plansync.cli import cli
from plansync.commands import sync as sync_command
from plansync.run import RunReport, Settings


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Settings]:
    """Settings that `plansync plan` would run with (the run itself is not made here: the
    end-to-end tests in tests/sync and tests/ci run it against the sandbox)."""
    seen: list[Settings] = []

    def fake_run(settings: Settings, mode: Any, **_: Any) -> RunReport:
        seen.append(settings)
        return RunReport(mode, settings.config.provider, settings.config.repo, "both")

    monkeypatch.setattr(sync_command, "run", fake_run)
    monkeypatch.chdir(tmp_path)
    for name in ("PLANSYNC_REPO", "PLANSYNC_WRITE_INTERVAL", "PLANSYNC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "t" * 12)
    (tmp_path / "plansync.yaml").write_text(
        "repo: from/file\nplans: [plan.md]\nwrite_interval: 2\nmax_wait: 60\n", encoding="utf-8"
    )
    return seen


def plan(*args: str, **env: str) -> Any:
    return CliRunner().invoke(cli, ["plan", *args], env=env, catch_exceptions=False)


def test_the_file_beats_the_default(captured: list[Settings]) -> None:
    assert plan().exit_code == 0
    settings = captured[-1]
    assert settings.config.repo == "from/file"
    assert settings.transport.write_interval == 2 and settings.transport.max_wait == 60
    assert settings.transport.max_attempts == 6  # the default, untouched


def test_the_environment_beats_the_file(captured: list[Settings]) -> None:
    assert plan(PLANSYNC_REPO="from/env", PLANSYNC_WRITE_INTERVAL="0").exit_code == 0
    assert captured[-1].config.repo == "from/env"
    assert captured[-1].transport.write_interval == 0


def test_a_flag_beats_the_environment(captured: list[Settings]) -> None:
    result = plan("--repo", "from/flag", "--write-interval", "0.5", PLANSYNC_REPO="from/env")
    assert result.exit_code == 0
    assert captured[-1].config.repo == "from/flag"
    assert captured[-1].transport.write_interval == 0.5


def test_a_bad_number_in_the_environment_names_the_variable(captured: list[Settings]) -> None:
    result = plan(PLANSYNC_WRITE_INTERVAL="abc")
    assert result.exit_code == 2 and not captured
    assert "PLANSYNC_WRITE_INTERVAL" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("url", ["htp://x", "github.com", "http://"])
def test_a_base_url_that_is_no_url_is_one_line(captured: list[Settings], url: str) -> None:
    result = CliRunner().invoke(cli, ["plan", "--base-url", url])
    assert result.exit_code != 0 and not captured
    assert "is not an http(s) URL" in str(result.exception)


def test_a_token_given_as_token_env_is_never_echoed(captured: list[Settings]) -> None:
    token = "ghp_" + "A1b2" * 9
    result = CliRunner().invoke(cli, ["plan", "--token-env", token])
    assert result.exit_code != 0 and not captured
    assert token not in str(result.exception) and "NAME of an environment variable" in str(
        result.exception
    )
