"""Runs in CI: what the GitHub Actions and GitLab CI environments say, read into plain values,
and whether an event is one plansync should act on (pure: environ and payload in).

Runs that plansync itself started are skipped: a push of its own commit (the commit message
carries the Plansync-Run trailer) and an issue event sent by its own account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plansync.errors import ConfigError
from plansync.publish import TRAILER

GITHUB_BOT = "github-actions[bot]"
ISSUE_ACTIONS = {"opened", "edited", "closed", "reopened", "deleted", "labeled", "unlabeled"}


@dataclass(frozen=True)
class CiContext:
    """One CI run: the repository, the API, the token's variable, where the checkout is."""

    provider: str  # "github" or "gitlab"
    repo: str
    base_url: str
    token_env: str
    workspace: str
    branch: str | None
    run_id: str
    event_name: str
    event: Mapping[str, Any] = field(default_factory=dict)
    bots: frozenset[str] = frozenset()  # accounts whose events are this tool's own


def _need(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise ConfigError(
            f"{name} is not set: this command runs inside CI",
            "run it from the workflow, or use `plansync sync` on your machine",
        )
    return value


def github_context(environ: Mapping[str, str]) -> CiContext:
    """The GitHub Actions environment (and the event payload it points at)."""
    event_name = environ.get("GITHUB_EVENT_NAME", "workflow_dispatch")
    return CiContext(
        provider="github",
        repo=_need(environ, "GITHUB_REPOSITORY"),
        base_url=environ.get("GITHUB_API_URL", "https://api.github.com"),
        token_env="GITHUB_TOKEN",
        workspace=environ.get("GITHUB_WORKSPACE") or ".",
        branch=environ.get("GITHUB_REF_NAME") or None,
        run_id=environ.get("GITHUB_RUN_ID", "local"),
        event_name=event_name,
        event=_payload(environ.get("GITHUB_EVENT_PATH", "")),
        bots=frozenset({GITHUB_BOT, *_logins(environ.get("PLANSYNC_BOT_LOGINS", ""))}),
    )


def gitlab_context(environ: Mapping[str, str]) -> CiContext:
    """The GitLab CI environment (a scheduled or manual pipeline)."""
    api = _need(environ, "CI_API_V4_URL").rstrip("/")
    token_env = "PLANSYNC_GITLAB_TOKEN" if environ.get("PLANSYNC_GITLAB_TOKEN") else "GITLAB_TOKEN"
    source = environ.get("CI_PIPELINE_SOURCE", "schedule")
    message = environ.get("CI_COMMIT_MESSAGE", "")
    return CiContext(
        provider="gitlab",
        repo=_need(environ, "CI_PROJECT_PATH"),
        base_url=api.removesuffix("/api/v4"),
        token_env=token_env,
        workspace=environ.get("CI_PROJECT_DIR") or ".",
        branch=environ.get("CI_COMMIT_BRANCH") or environ.get("CI_DEFAULT_BRANCH") or None,
        run_id=environ.get("CI_PIPELINE_ID", "local"),
        event_name=source,
        event={"head_commit": {"message": message}} if source == "push" else {},
        bots=frozenset(_logins(environ.get("PLANSYNC_BOT_LOGINS", ""))),
    )


def skip_reason(context: CiContext, label: str, plan_paths: tuple[str, ...]) -> str | None:
    """Why this event needs no sync, or None to sync."""
    event = context.event
    if context.event_name == "push":
        message = str((event.get("head_commit") or {}).get("message") or "")
        if f"{TRAILER}:" in message:
            return "the push is plansync's own commit"
        touched = _touched(event)
        if touched is not None and not touched & {p.lstrip("./") for p in plan_paths}:
            return "the push did not change a plan file"
    if context.event_name == "issues":
        sender = str((event.get("sender") or {}).get("login") or "")
        if sender in context.bots:
            return f"the issue event was sent by plansync's own account ({sender})"
        if event.get("action") not in ISSUE_ACTIONS:
            return f"issue events of kind {event.get('action')!r} change nothing plansync syncs"
        issue = event.get("issue") or {}
        labels = {str(lab.get("name", "")).lower() for lab in issue.get("labels") or ()}
        if label.lower() not in labels and "<!-- plansync " not in str(issue.get("body") or ""):
            return f"the issue is not one of the plan's (no {label!r} label)"
    return None


def _touched(event: Mapping[str, Any]) -> set[str] | None:
    """Files a push changed, when the payload lists them (None: unknown, sync to be safe)."""
    commits = event.get("commits")
    if not isinstance(commits, list) or not commits:
        return None
    files: set[str] = set()
    for commit in commits:
        for kind in ("added", "modified", "removed"):
            files.update(str(path) for path in commit.get(kind) or ())
    return files


def _payload(path: str) -> Mapping[str, Any]:
    if not path or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        raise ConfigError(f"{path}: the event payload is not readable JSON") from None
    return data if isinstance(data, dict) else {}


def _logins(text: str) -> list[str]:
    return [login.strip().lstrip("@") for login in text.split(",") if login.strip()]
