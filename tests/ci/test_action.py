"""`plansync action` as a workflow runs it: the GitHub Actions environment and an event
payload, against the sandbox, committing the plan back through the contents API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from plansync.publish import commit_message
from plansync.sandbox import Sandbox
from tests.conftest import ROOT

REPO = "acme/site"
PLAN = "docs/plan.md"


@dataclass
class Runner:
    """A sandbox, a checkout of the repository (the workspace) and the Actions files."""

    sandbox: Sandbox
    workspace: Path
    temp: Path

    def repo(self) -> Any:
        return self.sandbox.github_client().get_repo(REPO)

    def remote_plan(self) -> str:
        return str(self.repo().get_contents(PLAN).decoded_content.decode("utf-8"))

    def push(self, text: str, message: str = "edit the plan") -> None:
        """A person's commit on the branch."""
        current = self.repo().get_contents(PLAN)
        self.repo().update_file(PLAN, message, text, current.sha)

    def checkout(self) -> None:
        (self.workspace / PLAN).write_text(self.remote_plan(), encoding="utf-8")

    def action(
        self, event: str, payload: dict[str, Any], **env: str
    ) -> subprocess.CompletedProcess[str]:
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(payload), encoding="utf-8")
        for name in ("output", "summary"):
            (self.temp / name).write_text("", encoding="utf-8")
        environ = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PLANSYNC_"))},
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": self.sandbox.github_url,
            "GITHUB_TOKEN": self.sandbox.token,
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REF_NAME": "main",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_OUTPUT": str(self.temp / "output"),
            "GITHUB_STEP_SUMMARY": str(self.temp / "summary"),
            "RUNNER_TEMP": str(self.temp),
            "PLANSYNC_CACHE_DIR": "off",
            **env,
        }
        command = [sys.executable, "-m", "plansync", "action"]
        return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=300)

    def outputs(self) -> dict[str, str]:
        lines = (self.temp / "output").read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    workspace, temp = tmp_path / "workspace", tmp_path / "temp"
    (workspace / "docs").mkdir(parents=True)
    (workspace / ".git").mkdir()
    temp.mkdir()
    (workspace / "plansync.yaml").write_text(
        f"repo: {REPO}\nplans: [{PLAN}]\nwrite_interval: 0\n", encoding="utf-8"
    )
    with Sandbox() as sandbox:
        runner = Runner(sandbox, workspace, temp)
        text = (ROOT / "examples" / "plan.md").read_text(encoding="utf-8")
        runner.repo().create_file(PLAN, "add the plan", text)
        runner.checkout()
        sandbox.reset_stats()
        yield runner


def dispatch(runner: Runner) -> subprocess.CompletedProcess[str]:
    return runner.action("workflow_dispatch", {})


def test_a_first_run_creates_the_issues_and_commits_the_references(runner: Runner) -> None:
    result = dispatch(runner)
    assert result.returncode == 0, result.stderr
    outputs = runner.outputs()
    assert outputs["created"] == "14" and outputs["plan-changed"] == "true"
    assert "**Task 1: Invitation Data Model** (#1)" in runner.remote_plan()
    report = json.loads(Path(outputs["report-path"]).read_text(encoding="utf-8"))
    assert report["plans"][0]["done"]["issues created"] == 14
    summary = (runner.temp / "summary").read_text(encoding="utf-8")
    assert "| `docs/plan.md` | 14 |" in summary and "```mermaid" in summary


def test_an_issue_closed_on_github_ticks_the_box_in_the_committed_plan(runner: Runner) -> None:
    assert dispatch(runner).returncode == 0
    runner.checkout()
    issue = runner.repo().get_issue(4)
    issue.edit(state="closed")
    payload = {
        "action": "closed",
        "issue": {"number": 4, "labels": [{"name": "plan"}], "body": issue.body},
        "sender": {"login": "alice"},
    }
    result = runner.action("issues", payload)
    assert result.returncode == 0, result.stderr
    assert "- [x] **Task 4: Accepting an Invitation** (#4)" in runner.remote_plan()
    assert runner.outputs()["plan-changed"] == "true"


def test_a_push_between_checkout_and_commit_is_kept_and_synced_again(runner: Runner) -> None:
    assert dispatch(runner).returncode == 0
    runner.checkout()  # the run's checkout ...
    runner.repo().get_issue(4).edit(state="closed")
    pushed = runner.remote_plan().replace("Task 7: Join Page", "Task 7: Join Page, renamed")
    runner.push(pushed)  # ... and a person's commit that lands after it
    result = dispatch(runner)
    assert result.returncode == 0, result.stderr
    final = runner.remote_plan()
    assert "Task 7: Join Page, renamed" in final  # the person's commit is not overwritten
    assert "- [x] **Task 4: Accepting an Invitation** (#4)" in final  # and the tick is made
    runner.checkout()
    push = {"head_commit": {"message": "rename"}, "commits": [{"modified": [PLAN]}]}
    assert runner.action("push", push).returncode == 0  # the run the person's push started
    assert runner.repo().get_issue(7).title == "Join Page, renamed"
    assert runner.repo().get_issue(4).state == "closed"


def test_an_item_the_person_changed_too_keeps_the_persons_text(runner: Runner) -> None:
    assert dispatch(runner).returncode == 0
    runner.checkout()
    runner.repo().get_issue(4).edit(title="Accept (from the issue)")
    pushed = runner.remote_plan().replace("Task 4: Accepting an Invitation", "Task 4: Accept it")
    runner.push(pushed)
    result = dispatch(runner)
    assert result.returncode in (0, 1), result.stderr
    assert "**Task 4: Accept it** (#4)" in runner.remote_plan()


def test_its_own_commit_does_not_start_another_sync(runner: Runner) -> None:
    payload = {
        "head_commit": {"message": commit_message(PLAN, "17")},  # what the Action commits
        "commits": [{"modified": [PLAN]}],
    }
    result = runner.action("push", payload)
    assert result.returncode == 0
    assert "plansync's own commit" in result.stdout
    assert runner.sandbox.stats()["requests"] == 0


def test_a_push_that_touched_the_plan_syncs_it(runner: Runner) -> None:
    payload = {"head_commit": {"message": "Plan phase 5"}, "commits": [{"modified": [PLAN]}]}
    result = runner.action("push", payload)
    assert result.returncode == 0, result.stderr
    assert runner.outputs()["created"] == "14"


def test_an_issue_event_of_its_own_account_is_skipped(runner: Runner) -> None:
    payload = {
        "action": "edited",
        "issue": {"number": 1},
        "sender": {"login": "github-actions[bot]"},
    }
    result = runner.action("issues", payload)
    assert result.returncode == 0 and "own account" in result.stdout
    assert runner.sandbox.stats()["requests"] == 0


def test_dry_run_reports_and_changes_nothing(runner: Runner) -> None:
    before = runner.remote_plan()
    result = dispatch_dry = runner.action("workflow_dispatch", {}, PLANSYNC_DRY_RUN="true")
    assert dispatch_dry.returncode == 0, result.stderr  # pending changes fail no workflow
    assert "Plan: 14 to create" in dispatch_dry.stdout
    assert runner.sandbox.stats()["writes"] == 0
    assert runner.remote_plan() == before


def test_outside_actions_it_says_what_is_missing(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    result = subprocess.run(
        [sys.executable, "-m", "plansync", "action"],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "GITHUB_REPOSITORY is not set" in result.stderr and "Traceback" not in result.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
