"""The README's "Use it on your repository" lines, run as a new user would: in a git
repository with a GitHub remote, against the sandbox standing in for GitHub."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from plansync.sandbox import Sandbox
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def walkthrough() -> list[str]:
    block = README.split("<!-- walkthrough", 1)[1].split("<!-- end walkthrough -->", 1)[0]
    lines = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return [line.split("  #", 1)[0].strip() for line in lines]


def test_the_walkthrough_is_there() -> None:
    assert [line.split()[:2] for line in walkthrough()] == [
        ["plansync", "init"],
        ["export", "GITHUB_TOKEN=..."],
        ["plansync", "plan"],
        ["plansync", "sync"],
        ["plansync", "status"],
    ]


def test_the_readme_walkthrough_works_in_a_new_repository(tmp_path: Path) -> None:
    repo = tmp_path / "site"
    (repo / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "plan.md", repo / "docs" / "plan.md")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", "git@github.com:acme/site.git"],
        check=True,
    )
    bin_dir = Path(sys.executable).parent
    with Sandbox() as sandbox:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PLANSYNC_", "GITHUB_"))},
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            # the one thing a user of the real GitHub does not set: where "GitHub" is
            "PLANSYNC_BASE_URL": sandbox.github_url,
            "PLANSYNC_WRITE_INTERVAL": "0",
            "PLANSYNC_CACHE_DIR": str(tmp_path / "cache"),
        }
        codes = {}
        outputs = {}
        for line in walkthrough():
            words = shlex.split(line)
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                env[name] = sandbox.token if value == "..." else value
                continue
            result = subprocess.run(
                words, cwd=repo, env=env, capture_output=True, text=True, timeout=300
            )
            assert "Traceback" not in result.stderr, result.stderr
            codes[words[1]], outputs[words[1]] = result.returncode, result.stdout
        assert codes == {"init": 0, "plan": 2, "sync": 0, "status": 0}, outputs
        assert "acme/site" in (repo / "plansync.yaml").read_text(encoding="utf-8")
        assert "Plan: 14 to create" in outputs["plan"]
        issues = list(sandbox.github_client().get_repo("acme/site").get_issues(state="all"))
        assert len(issues) == 14
        assert "(#1)" in (repo / "docs" / "plan.md").read_text(encoding="utf-8")
        assert "Phase 1" in outputs["status"]
