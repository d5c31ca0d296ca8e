"""`plansync plan` and `plansync sync` as a person runs them: exit codes, JSON, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.sync.conftest import REPO, World


def run(world: World, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GITHUB_TOKEN=token or world.sandbox.token, PLANSYNC_WRITE_INTERVAL="0")
    command = [
        sys.executable,
        "-m",
        "plansync",
        *args,
        "--provider",
        "github",
        "--repo",
        REPO,
        "--base-url",
        world.config.base_url,
        str(world.plan_path),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_plan_exits_2_when_changes_are_pending_and_writes_nothing(world: World) -> None:
    before = world.text()
    result = run(world, "plan")
    assert result.returncode == 2, result.stderr
    assert "+ issue Task 1: 'Invitation Data Model' in 'Phase 1' (done)" in result.stdout
    assert (
        "Plan: 14 to create, 0 to update, 0 to close, 9 relations, 0 plan edits." in result.stdout
    )
    assert world.writes() == 0 and world.text() == before


def test_sync_then_plan_exits_0(world: World) -> None:
    assert run(world, "sync").returncode == 0
    result = run(world, "plan")
    assert result.returncode == 0
    assert "in sync: nothing to do" in result.stdout


def test_plan_json_for_machines(world: World) -> None:
    result = run(world, "plan", "--json")
    data = json.loads(result.stdout)
    assert (data["mode"], data["exit_code"], data["stopped"]) == ("plan", 2, None)
    [plan] = data["plans"]  # one shape, however many plans
    assert plan["in_sync"] is False and plan["plan"] == str(world.plan_path)
    assert [c["key"] for c in plan["create"]][:2] == ["Task 1", "Task 2"]
    assert {"key": "Task 2", "kind": "blocked-by", "target": "Task 1"} in plan["link"]
    assert data["requests"]["writes"] == 0 and data["requests"]["requests"] > 0


def test_sync_with_conflicts_exits_1_and_shows_both_values(world: World) -> None:
    assert run(world, "sync").returncode == 0
    world.edit("Task 2: Invitation Tokens", "Task 2: Tokens A")
    world.repo().get_issue(2).edit(title="Tokens B")
    result = run(world, "sync")
    assert result.returncode == 1
    assert "title changed on both sides" in result.stdout
    assert "plan:   'Tokens A'" in result.stdout and "remote: 'Tokens B'" in result.stdout


def test_a_wrong_token_is_one_line_without_the_token(world: World) -> None:
    secret = "ghp_wrongtoken123456"
    result = run(world, "plan", token=secret)
    assert result.returncode == 1
    assert result.stderr.startswith("error: GitHub refused the token (401 Bad credentials)")
    assert secret not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_an_unreachable_service_is_one_line(world: World) -> None:
    env = dict(os.environ, GITHUB_TOKEN="x" * 12, PLANSYNC_RETRY_SECONDS="0")
    command = [
        sys.executable,
        "-m",
        "plansync",
        "plan",
        "--repo",
        REPO,
        "--base-url",
        "http://127.0.0.1:9/api/v3",
        str(world.plan_path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "cannot reach GitHub" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_token_says_which_variable(world: World) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    command = [sys.executable, "-m", "plansync", "plan", "--repo", REPO, str(world.plan_path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "GITHUB_TOKEN is empty" in result.stderr


def test_settings_come_from_plansync_yaml_and_flags_override(world: World) -> None:
    workdir = world.plan_path.parent.parent
    (workdir / "plansync.yaml").write_text(
        "provider: github\n"
        "repo: someone/else\n"
        f"base_url: {world.config.base_url}\n"
        "token_env: SANDBOX_TOKEN\n"
        "plans: [docs/plan.md]\n"
        "mapping:\n  checklists: off\n"
    )
    env = dict(os.environ, SANDBOX_TOKEN=world.sandbox.token, PLANSYNC_WRITE_INTERVAL="0")
    command = [sys.executable, "-m", "plansync", "sync", "--repo", REPO]
    result = subprocess.run(
        command, env=env, cwd=workdir, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert len(list(world.repo().get_issues(state="all"))) == 9  # checklists: off, and our repo
    assert "(#1)" in world.text()


def test_a_plan_with_a_dependency_cycle_is_refused_before_any_write(world: World) -> None:
    world.edit("Dependencies: None_", "Dependencies: Task 9_")
    result = run(world, "sync")
    assert result.returncode == 1
    assert "dependency cycle: Task 1 -> Task 9 -> Task 8" in result.stderr
    assert "sync refused" in result.stderr and world.writes() == 0
