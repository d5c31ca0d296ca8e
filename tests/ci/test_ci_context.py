"""The CI environments read into plain values, and which events need no sync (pure)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plansync.ci import github_context, gitlab_context, skip_reason
from plansync.commands.ci import settings_for
from plansync.errors import ConfigError
from plansync.publish import commit_message


def actions_env(tmp_path: Path, event: dict[str, object], name: str = "issues") -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return {
        "GITHUB_REPOSITORY": "acme/site",
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_TOKEN": "x" * 12,
        "PLANSYNC_BOT_LOGINS": "release-bot, @other-bot",
    }


def test_the_workflow_token_account_is_trusted_as_an_author(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workflow's GITHUB_TOKEN cannot read /user: the Action's accounts are named instead,
    or issues it opened before an interruption would not be adopted (and be made again)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plansync.yaml").write_text(
        "plans: [plan.md]\ntrusted_authors: [alice]\n", encoding="utf-8"
    )
    environ = actions_env(tmp_path, {})
    settings = settings_for(github_context(environ), environ)
    assert settings.config.repo == "acme/site"
    assert settings.config.trusted_authors == (
        "alice",
        "github-actions[bot]",
        "other-bot",
        "release-bot",
    )


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"action": "closed", "sender": {"login": "github-actions[bot]"}}, "own account"),
        ({"action": "assigned", "sender": {"login": "a"}}, "change nothing"),
        ({"action": "closed", "sender": {"login": "a"}, "issue": {"labels": []}}, "not one of"),
        (
            {"action": "closed", "sender": {"login": "a"}, "issue": {"labels": [{"name": "plan"}]}},
            None,
        ),
        (
            {
                "action": "edited",
                "sender": {"login": "a"},
                "issue": {"body": "<!-- plansync {} -->"},
            },
            None,
        ),
    ],
)
def test_issue_events(tmp_path: Path, event: dict[str, object], reason: str | None) -> None:
    found = skip_reason(github_context(actions_env(tmp_path, event)), "plan", ("plan.md",))
    assert (found is None) if reason is None else (reason in (found or ""))


def test_pushes(tmp_path: Path) -> None:
    def push(message: str, files: list[str]) -> str | None:
        event = {"head_commit": {"message": message}, "commits": [{"modified": files}]}
        context = github_context(actions_env(tmp_path, event, "push"))
        return skip_reason(context, "plan", ("docs/plan.md",))

    assert "own commit" in (push(commit_message("docs/plan.md", "1"), ["docs/plan.md"]) or "")
    assert "did not change" in (push("docs", ["README.md"]) or "")
    assert push("plan phase 5", ["docs/plan.md"]) is None


def test_gitlab_reads_its_variables() -> None:
    context = gitlab_context(
        {
            "CI_API_V4_URL": "https://gitlab.example.com/api/v4",
            "CI_PROJECT_PATH": "group/sub/project",
            "CI_DEFAULT_BRANCH": "main",
            "PLANSYNC_GITLAB_TOKEN": "t",
        }
    )
    assert (context.base_url, context.repo, context.branch) == (
        "https://gitlab.example.com",
        "group/sub/project",
        "main",
    )
    assert context.token_env == "PLANSYNC_GITLAB_TOKEN"


def test_outside_ci_the_missing_variable_is_named() -> None:
    with pytest.raises(ConfigError, match="CI_API_V4_URL is not set"):
        gitlab_context({})
