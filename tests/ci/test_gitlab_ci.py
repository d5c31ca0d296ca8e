"""`plansync gitlab-ci` as the GitLab template runs it: CI_* variables and a project access
token, against the sandbox's GitLab API, committing the plan through the files API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from plansync.publish import commit_message
from plansync.sandbox import Sandbox
from tests.conftest import ROOT

PROJECT = "acme/site"
PLAN = "docs/plan.md"


def job(sandbox: Sandbox, workspace: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB", "PLANSYNC_"))},
        "CI_API_V4_URL": f"{sandbox.url}/api/v4",
        "CI_PROJECT_PATH": PROJECT,
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_BRANCH": "main",
        "CI_PROJECT_DIR": str(workspace),
        "CI_PIPELINE_SOURCE": "schedule",
        "CI_PIPELINE_ID": "77",
        "PLANSYNC_GITLAB_TOKEN": sandbox.token,
        "PLANSYNC_REPORT": str(workspace / "plansync-report.json"),
        "PLANSYNC_CACHE_DIR": "off",
        **extra,
    }
    command = [sys.executable, "-m", "plansync", "gitlab-ci"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_a_scheduled_pipeline_syncs_and_commits_the_plan_back(tmp_path: Path) -> None:
    workspace = tmp_path / "checkout"
    (workspace / "docs").mkdir(parents=True)
    (workspace / ".git").mkdir()
    text = (ROOT / "examples" / "plan.md").read_text(encoding="utf-8")
    (workspace / PLAN).write_text(text, encoding="utf-8")
    (workspace / "plansync.yaml").write_text(
        f"provider: gitlab\nrepo: {PROJECT}\nplans: [{PLAN}]\nwrite_interval: 0\n",
        encoding="utf-8",
    )
    with Sandbox() as sandbox:
        project = sandbox.gitlab_client().projects.get(PROJECT)
        project.files.create(
            {"file_path": PLAN, "branch": "main", "content": text, "commit_message": "plan"}
        )
        result = job(sandbox, workspace)
        assert result.returncode == 0, result.stderr
        issues = project.issues.list(get_all=True, state="all")
        assert len(issues) == 14
        committed = project.files.get(PLAN, ref="main").decode().decode("utf-8")
        assert "**Task 1: Invitation Data Model** (#1)" in committed
        report = json.loads((workspace / "plansync-report.json").read_text(encoding="utf-8"))
        assert report["plans"][0]["done"]["issues created"] == 14
        assert "```mermaid" in (workspace / "plansync-summary.md").read_text(encoding="utf-8")

        # the pipeline its own commit starts does nothing
        before = sandbox.stats()["requests"]
        own = job(
            sandbox,
            workspace,
            CI_PIPELINE_SOURCE="push",
            CI_COMMIT_MESSAGE=commit_message(PLAN, "77"),
        )
        assert own.returncode == 0 and "own commit" in own.stdout
        assert sandbox.stats()["requests"] == before
