"""The Action, this project's CI, the users' example workflow and the GitLab template:
zizmor (offline), the published schemas, and the rules the docs promise."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ACTION = ROOT / "action.yml"
CI = ROOT / ".github" / "workflows" / "ci.yml"
EXAMPLE = ROOT / "examples" / "workflows" / "plansync.yml"
GITLAB = ROOT / "templates" / "gitlab-ci.yml"
GITHUB_FILES = [ACTION, CI, EXAMPLE]
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_zizmor_finds_nothing() -> None:
    files = [str(path.relative_to(ROOT)) for path in GITHUB_FILES]
    result = run(tool("zizmor"), "--offline", "--no-progress", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", [CI, EXAMPLE]),
        ("vendor.github-actions", [ACTION]),
        ("vendor.gitlab-ci", [GITLAB]),
    ],
)
def test_files_match_the_published_schemas(schema: str, paths: list[Path]) -> None:
    result = run(tool("check-jsonschema"), "--builtin-schema", schema, *map(str, paths))
    assert result.returncode == 0, result.stdout + result.stderr


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("path", GITHUB_FILES, ids=lambda p: p.name)
def test_no_expression_inside_a_script_and_every_action_pinned(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"
        if "uses" in step and not step["uses"].startswith("./"):
            assert PINNED.match(step["uses"]), step["uses"]
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(- )?uses: ", line):
            assert re.search(r"@[0-9a-f]{40} # \S+", line), f"no version comment: {line}"


def test_checkouts_keep_no_credentials() -> None:
    for path in (CI, EXAMPLE):
        for step in steps(load(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_action_inputs_outputs_and_install() -> None:
    action = load(ACTION)
    assert set(action["inputs"]) >= {
        "config",
        "plan",
        "direction",
        "dry-run",
        "token",
        "commit-mode",
    }
    assert action["inputs"]["token"]["default"] == "${{ github.token }}"
    assert action["inputs"]["commit-mode"]["default"] == "contents"
    assert set(action["outputs"]) == {
        "created",
        "updated",
        "closed",
        "plan-changed",
        "report-path",
        "pull-request",
    }
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.sync.outputs.{name} }}}}"
    install, sync = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert '"$GITHUB_ACTION_PATH"' in install["run"] and "$RUNNER_TEMP" in install["run"]
    assert sync["id"] == "sync" and sync["run"].strip().endswith('plansync" action')
    assert {f"${{{{ inputs.{name} }}}}" for name in action["inputs"]} <= {
        *sync["env"].values(),
        *install["env"].values(),
    }


def test_this_projects_ci_runs_the_readme_test_command_with_read_only_permissions() -> None:
    ci = load(CI)
    assert ci["permissions"] == {"contents": "read"}
    scripts = [step["run"] for step in steps(ci) if "run" in step]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    install, test = quick.strip().splitlines()
    assert install.split(" && ")[:2] == scripts[0].split(" && ")  # the demo is not CI's job
    assert scripts[1] == test


def test_the_users_example_workflow() -> None:
    example = load(EXAMPLE)
    triggers = example[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"schedule", "push", "issues", "workflow_dispatch"}
    assert "docs/plan.md" in triggers["push"]["paths"]
    assert set(triggers["issues"]["types"]) == {"closed", "reopened", "edited"}
    assert example["concurrency"]["cancel-in-progress"] is False
    assert example["permissions"] == {}
    job = example["jobs"]["sync"]
    assert job["permissions"] == {"issues": "write", "contents": "write"}
    assert job["if"] == "github.actor != 'github-actions[bot]'"
    assert any("/plansync@" in step.get("uses", "") for step in job["steps"])


def test_the_gitlab_template() -> None:
    job = load(GITLAB)["plansync"]
    script = "\n".join(job["script"])
    assert script.rstrip().endswith("plansync gitlab-ci")
    assert job["rules"][0] == {"if": "$CI_COMMIT_MESSAGE =~ /^plansync:/", "when": "never"}
    assert any('$CI_PIPELINE_SOURCE == "schedule"' in rule["if"] for rule in job["rules"])
    assert job["interruptible"] is False and job["resource_group"] == "plansync"
    assert job["artifacts"]["paths"] == [job["variables"]["PLANSYNC_REPORT"]]
    text = GITLAB.read_text(encoding="utf-8")
    for name in ("PLANSYNC_GITLAB_TOKEN", "CI_API_V4_URL", "CI_PROJECT_PATH", "CI_DEFAULT_BRANCH"):
        assert name in text


def test_zizmor_does_flag_an_expression_in_a_script(tmp_path: Path) -> None:
    """The check above can fail: an issue title pasted into a script is a finding."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: {issues: {types: [opened]}}\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        '    steps:\n      - run: echo "${{ github.event.issue.title }}"\n',
        encoding="utf-8",
    )
    result = run(tool("zizmor"), "--offline", "--no-progress", str(bad))
    assert result.returncode != 0 and "template-injection" in result.stdout
