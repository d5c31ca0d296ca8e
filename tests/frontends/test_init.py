"""`plansync init` in real git repositories: remotes of each kind, plan discovery, no overwrite."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from plansync.commands.init import init_command
from plansync.config import load
from plansync.errors import ConfigError
from plansync.initialize import ALL_PLANS, Remote, find_plans, parse_remote, run_init


def repo_with_remote(tmp_path: Path, url: str | None, *plans: str) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    if url is not None:
        subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", url], check=True)
    for plan in plans:
        (tmp_path / plan).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / plan).write_text("# Plan\n\n## Phase 1: A\n- [ ] **Task 1: B**\n")
    return tmp_path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/site.git", Remote("github", "github.com", "acme/site")),
        ("https://github.com/acme/site", Remote("github", "github.com", "acme/site")),
        (
            "https://x-access-token:ghp_secret@github.com/acme/site.git",
            Remote("github", "github.com", "acme/site"),
        ),
        ("ssh://git@github.com/acme/site.git", Remote("github", "github.com", "acme/site")),
        (
            "git@gitlab.com:group/sub/project.git",
            Remote("gitlab", "gitlab.com", "group/sub/project"),
        ),
        ("https://gitlab.com/group/project.git/", Remote("gitlab", "gitlab.com", "group/project")),
        (
            "ssh://git@gitlab.example.org:2222/team/app.git",
            Remote("gitlab", "gitlab.example.org", "team/app"),
        ),
        ("git@github.acme.corp:ops/infra.git", Remote("github", "github.acme.corp", "ops/infra")),
        ("https://code.acme.corp/ops/infra.git", Remote(None, "code.acme.corp", "ops/infra")),
    ],
)
def test_remote_urls(url: str, expected: Remote) -> None:
    assert parse_remote(url) == expected


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "/srv/git/site.git", "https://github.com/acme", "git@github.com:a/b/c.git"],
)
def test_urls_that_name_no_repository(url: str) -> None:
    assert parse_remote(url) is None


def test_base_urls_for_each_kind_of_host() -> None:
    assert Remote("github", "github.com", "a/b").base_url("github") == ""
    assert Remote("gitlab", "gitlab.com", "a/b").base_url("gitlab") == ""
    assert (
        Remote("github", "github.acme.corp", "a/b").base_url("github")
        == "https://github.acme.corp/api/v3"
    )
    assert (
        Remote("gitlab", "gitlab.acme.corp", "a/b").base_url("gitlab") == "https://gitlab.acme.corp"
    )


def test_github_remote_non_interactive_writes_a_loadable_config(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git", "docs/plan.md")
    text = run_init(root, ask=None)
    config = load(str(root / "plansync.yaml"), {})
    assert (config.provider, config.repo, config.plans) == (
        "github",
        "acme/site",
        ("docs/plan.md",),
    )
    assert config.base_url == "https://api.github.com" and config.token_env == "GITHUB_TOKEN"
    assert "export GITHUB_TOKEN=" in text and "plansync plan" in text
    assert "# plansync.yaml, written by `plansync init`" in (root / "plansync.yaml").read_text()


def test_self_hosted_gitlab_with_nested_groups(tmp_path: Path) -> None:
    root = repo_with_remote(
        tmp_path, "https://gitlab.acme.corp/team/sub/app.git", "specs/001-x/tasks.md"
    )
    text = run_init(root, ask=None)
    config = load(str(root / "plansync.yaml"), {})
    assert (config.provider, config.repo) == ("gitlab", "team/sub/app")
    assert config.base_url == "https://gitlab.acme.corp" and config.plans == (
        "specs/001-x/tasks.md",
    )
    assert "export GITLAB_TOKEN=" in text and "api scope" in text


def test_github_enterprise(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.acme.corp:ops/infra.git", "roadmap.md")
    run_init(root, ask=None)
    config = load(str(root / "plansync.yaml"), {})
    assert (config.provider, config.base_url) == ("github", "https://github.acme.corp/api/v3")


def test_an_unknown_host_is_asked_about_or_needs_a_flag(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "https://code.acme.corp/ops/infra.git", "docs/plan.md")
    with pytest.raises(ConfigError, match="--provider"):
        run_init(root, ask=None)
    questions: list[tuple[str, Sequence[str]]] = []

    def ask(question: str, choices: Sequence[str]) -> str:
        questions.append((question, choices))
        return "gitlab"

    run_init(root, ask=ask)
    assert questions == [("Which service runs on code.acme.corp?", ("github", "gitlab"))]
    assert load(str(root / "plansync.yaml"), {}).base_url == "https://code.acme.corp"
    run_init(root, ask=None, force=True, provider="github")
    assert load(str(root / "plansync.yaml"), {}).base_url == "https://code.acme.corp/api/v3"


def test_no_question_when_everything_is_detected(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git", "docs/plan.md")

    def ask(question: str, choices: Sequence[str]) -> str:
        raise AssertionError(f"asked {question!r}")

    run_init(root, ask=ask)


def test_several_plans_one_question_or_the_best_one(tmp_path: Path) -> None:
    plans = ("docs/plan.md", ".kiro/specs/auth/tasks.md", "ROADMAP.md", "specs/002/tasks.md")
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git", *plans)
    assert find_plans(root) == [
        "docs/plan.md",
        "specs/002/tasks.md",
        ".kiro/specs/auth/tasks.md",
        "ROADMAP.md",
    ]
    text = run_init(root, ask=None)
    assert load(str(root / "plansync.yaml"), {}).plans == ("docs/plan.md",)
    assert '# - "ROADMAP.md"' in (root / "plansync.yaml").read_text()
    assert "Other plan files found" in text
    run_init(root, ask=lambda q, choices: choices[2], force=True)
    assert load(str(root / "plansync.yaml"), {}).plans == (".kiro/specs/auth/tasks.md",)
    run_init(root, ask=lambda q, choices: ALL_PLANS, force=True)
    assert len(load(str(root / "plansync.yaml"), {}).plans) == 4


def test_discovery_skips_vendored_and_hidden_folders(tmp_path: Path) -> None:
    for path in (
        "node_modules/x/docs/plan.md",
        "docs/node_modules/plan.md",
        ".venv/plan.md",
        "docs/.git/plan.md",
        "src/plan.md",
        "docs/notes.md",
        "docs/deep/release-plan.md",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x")
    assert find_plans(tmp_path) == ["docs/deep/release-plan.md"]


def test_no_plan_found_names_the_file_to_write(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git")
    text = run_init(root, ask=None)
    assert load(str(root / "plansync.yaml"), {}).plans == ("docs/plan.md",)
    assert "docs/plan.md does not exist yet" in text


def test_git_config_is_read_when_git_cannot_tell(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        '[remote "upstream"]\n\turl = git@gitlab.com:g/p.git\n'
    )
    run_init(tmp_path, ask=None)
    assert load(str(tmp_path / "plansync.yaml"), {}).repo == "g/p"


def test_no_remote_needs_repo(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, None, "docs/plan.md")
    with pytest.raises(ConfigError, match="--repo"):
        run_init(root, ask=None)
    run_init(root, ask=None, repo="acme/site", provider="gitlab")
    assert load(str(root / "plansync.yaml"), {}).provider == "gitlab"


def test_an_existing_config_is_never_overwritten_without_force(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git", "docs/plan.md")
    (root / "plansync.yaml").write_text("# mine\n")
    with pytest.raises(ConfigError, match="--force"):
        run_init(root, ask=None)
    assert (root / "plansync.yaml").read_text() == "# mine\n"
    run_init(root, ask=None, force=True)
    assert "acme/site" in (root / "plansync.yaml").read_text()


def test_credentials_in_the_remote_never_reach_the_file_or_the_output(tmp_path: Path) -> None:
    url = "https://x-access-token:ghp_verysecret123@github.com/acme/site.git"
    root = repo_with_remote(tmp_path, url, "docs/plan.md")
    text = run_init(root, ask=None)
    assert "verysecret" not in text + (root / "plansync.yaml").read_text()


def test_the_command_is_non_interactive_without_a_terminal(tmp_path: Path) -> None:
    root = repo_with_remote(tmp_path, "git@github.com:acme/site.git", "docs/plan.md", "tasks.md")
    result = CliRunner().invoke(init_command, ["--dir", str(root)], input="")
    assert result.exit_code == 0, result.output
    assert "Wrote plansync.yaml" in result.output and "Number" not in result.output
    again = CliRunner().invoke(init_command, ["--dir", str(root), "--yes"])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    assert (
        (init_command.help or "")
        .rstrip()
        .splitlines()[-1]
        .strip()
        .startswith("Example: plansync init")
    )
