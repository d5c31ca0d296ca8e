"""`plansync import` and `plansync status` against the sandbox, as a person runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from plansync.sandbox import Sandbox

REPO = "acme/tracker"


def cli(sandbox: Sandbox, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        GITHUB_TOKEN=sandbox.token,
        PLANSYNC_WRITE_INTERVAL="0",
        PLANSYNC_CACHE_DIR="off",
        PLANSYNC_BASE_URL=sandbox.github_url,
        PLANSYNC_REPO=REPO,
    )
    command = [sys.executable, "-m", "plansync", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def seed_tracker(sandbox: Sandbox) -> None:
    """A team that started on the tracker: milestones and labelled issues, no plan."""
    repo = sandbox.github_client().get_repo(REPO)
    repo.create_label("plan", "0e8a16")
    first = repo.create_milestone("Phase 1: Foundation")
    second = repo.create_milestone("Phase 2: Features")
    repo.create_issue(
        "Data model", body="The tables and their indexes.", labels=["plan"], milestone=first
    )
    done = repo.create_issue("Tokens", body="Random, single use.", labels=["plan"], milestone=first)
    done.edit(state="closed")
    repo.create_issue("Invite API", body="", labels=["plan"], milestone=second)
    repo.create_issue("Loose end", body="- [ ] a box\n- [x] another", labels=["plan"])


def test_import_writes_a_plan_that_a_later_sync_leaves_alone(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    with Sandbox() as sandbox:
        seed_tracker(sandbox)
        result = cli(sandbox, tmp_path, "import", "--output", "plan.md")
        assert result.returncode == 0, result.stderr
        text = (tmp_path / "plan.md").read_text(encoding="utf-8")
        assert "(#1)" in text and "(#4)" in text
        assert "- [x]" in text  # the closed issue is ticked
        bodies = {
            i.number: i.body for i in sandbox.github_client().get_repo(REPO).get_issues(state="all")
        }
        assert bodies[1].count("The tables and their indexes.") == 1  # adopted, not doubled
        assert "- [ ] a box" in bodies[4]  # a body the plan cannot hold stays on the issue
        milestones = sandbox.github_client().get_repo(REPO).get_milestones(state="all")
        assert sorted(m.title for m in milestones) == ["Phase 1: Foundation", "Phase 2: Features"]
        writes = sandbox.stats()["writes"]
        again = cli(sandbox, tmp_path, "sync", "plan.md")
        assert again.returncode == 0, again.stderr
        assert sandbox.stats()["writes"] == writes, again.stdout
        assert (tmp_path / "plan.md").read_text(encoding="utf-8") == text


def test_import_will_not_replace_a_file(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text("# mine\n", encoding="utf-8")
    with Sandbox() as sandbox:
        result = cli(sandbox, tmp_path, "import", "--output", "plan.md")
    assert result.returncode == 1 and "--force" in result.stderr
    assert (tmp_path / "plan.md").read_text(encoding="utf-8") == "# mine\n"


def test_status_counts_issue_states_from_the_service(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    with Sandbox() as sandbox:
        seed_tracker(sandbox)
        assert cli(sandbox, tmp_path, "import", "--output", "plan.md").returncode == 0
        (tmp_path / "plansync.yaml").write_text(
            f"repo: {REPO}\nbase_url: {sandbox.github_url}\nplans: [plan.md]\n", encoding="utf-8"
        )
        sandbox.github_client().get_repo(REPO).get_issue(1).edit(state="closed")
        result = cli(sandbox, tmp_path, "status", "--json")
        assert result.returncode == 0, result.stderr
        [plan] = json.loads(result.stdout)["plans"]
        assert plan["total"]["done"] == 2  # #2 ticked in the plan, #1 closed on the service
        assert plan["total"]["open_issues"] == 2
        offline = cli(sandbox, tmp_path, "status", "--offline", "--json")
        assert json.loads(offline.stdout)["plans"][0]["total"]["done"] == 1
        picture = cli(sandbox, tmp_path, "status", "--markdown")
        assert "```mermaid" in picture.stdout and "| Phase |" in picture.stdout
