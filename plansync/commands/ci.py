"""`plansync action` (a GitHub Actions step) and `plansync gitlab-ci` (a GitLab CI job):
read the CI environment, sync, commit the plan back through the API, report."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from plansync import report as render
from plansync.ci import CiContext, github_context, gitlab_context, skip_reason
from plansync.commands.sync import DEFAULT_MAX_CREATES, cache_path, transport_settings
from plansync.config import Config
from plansync.config import load as load_config
from plansync.errors import ConfigError
from plansync.files import read_text
from plansync.plan import parse_plan
from plansync.publish import MODES
from plansync.run import EXIT_PENDING, Commit, Mode, RunReport, Settings, run
from plansync.status import progress, render_markdown
from plansync.ui import Console

REPORT_NAME = "plansync-report.json"


def settings_for(context: CiContext, environ: Mapping[str, str]) -> Settings:
    """plansync.yaml in the checkout, with the CI's repository and API where it is silent."""
    path = environ.get("PLANSYNC_CONFIG") or "plansync.yaml"
    plans = tuple(environ.get("PLANSYNC_PLAN", "").split())
    overrides = {"plans": plans, "token_env": context.token_env, "provider": context.provider}
    defaults = {"repo": context.repo, "base_url": context.base_url}
    config = load_config(path if Path(path).is_file() else None, overrides, defaults)
    # The CI's own account opens the issues (a workflow's GITHUB_TOKEN cannot read /user).
    bots = tuple(sorted(context.bots - set(config.trusted_authors)))
    config = replace(config, trusted_authors=config.trusted_authors + bots)
    dry_run = environ.get("PLANSYNC_DRY_RUN", "false").strip().lower() in ("1", "true", "yes")
    direction = environ.get("PLANSYNC_DIRECTION") or "both"
    if direction not in ("both", "push", "pull"):
        raise click.BadParameter(f"{direction!r}: use both, push or pull", param_hint="direction")
    mode = environ.get("PLANSYNC_COMMIT_MODE", "").strip() or MODES[0]
    if mode not in MODES:
        raise ConfigError(
            f"commit-mode (PLANSYNC_COMMIT_MODE) is {mode!r}: use contents or pull-request"
        )
    return Settings(
        config=config,
        token=config.token(environ),
        direction=direction,
        transport=transport_settings(config),
        cache_path=cache_path(environ.get("PLANSYNC_CACHE_DIR"), config),
        max_creates=config.max_creates or DEFAULT_MAX_CREATES,
        commit=None if dry_run else Commit(context.branch, context.run_id, mode),
    )


def run_in_ci(context: CiContext, environ: Mapping[str, str], console: Console) -> int:
    os.chdir(context.workspace)
    settings = settings_for(context, environ)
    outputs = _CiOutputs(environ)
    reason = skip_reason(context, settings.config.mapping.label, settings.config.plans)
    if reason:
        click.echo(f"plansync: nothing to do: {reason}.")
        none = {"created": "0", "updated": "0", "closed": "0", "plan-changed": "false"}
        outputs.write(none | {"pull-request": ""})
        return 0
    dry = settings.commit is None
    result = run(settings, Mode.PLAN if dry else Mode.SYNC, on_wait=console.wait)
    console.done()
    click.echo(render.run_text(result, settings.max_creates))
    report_path = outputs.report(render.run_json(result))
    outputs.write(
        {
            "created": str(result.total("issues created")),
            "updated": str(result.total("issues updated")),
            "closed": str(
                result.total("issues closed (removed from plan)")
                + result.total("duplicates closed")
            ),
            "plan-changed": "true" if any(r.committed for r in result.plans) else "false",
            "report-path": report_path,
            "pull-request": " ".join(r.proposal for r in result.plans if r.proposal),
        }
    )
    for r in result.plans:
        if r.proposal:
            click.echo(f"plansync: {r.path} is proposed in {r.proposal}")
    outputs.summary(summary_markdown(result, settings.config))
    if dry and result.exit_code == EXIT_PENDING:
        return 0  # a dry run that found changes did its job: the summary shows them
    return result.exit_code


def summary_markdown(result: RunReport, config: Config) -> str:
    """A table of what changed per plan, then each plan's picture."""
    lines = [f"## plansync: {result.mode.value} of {result.repo}", ""]
    lines += ["| Plan | Created | Updated | Closed | Relations | Plan edits | Conflicts |"]
    lines += ["| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in result.plans:
        done = r.outcome.counts if r.outcome else {}
        changes = r.changes
        cells = [
            f"`{r.path}`",
            done.get("issues created", len(changes.creates) if not r.outcome else 0),
            done.get("issues updated", 0),
            done.get("issues closed (removed from plan)", 0) + done.get("duplicates closed", 0),
            done.get("relations added", 0),
            done.get("plan edits", 0),
            len(changes.conflicts),
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    if result.stopped:
        lines += ["", f"**Stopped:** {result.stopped}"]
    for r in result.plans:
        plan = parse_plan(read_text(r.path), r.path)
        lines += ["", f"### {r.path}", "", render_markdown(plan, progress(plan, name=r.path))]
    return "\n".join(lines) + "\n"


class _CiOutputs:
    """Step outputs, the step summary and the JSON report, where the CI keeps them."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.output = environ.get("GITHUB_OUTPUT")
        self.step_summary = environ.get("GITHUB_STEP_SUMMARY")
        self.folder = environ.get("RUNNER_TEMP") or environ.get("CI_PROJECT_DIR") or "."
        self.report_path = environ.get("PLANSYNC_REPORT")  # where the JSON report goes

    def write(self, values: dict[str, str]) -> None:
        if self.output:
            with open(self.output, "a", encoding="utf-8") as out:
                out.writelines(f"{name}={value}\n" for name, value in values.items())

    def summary(self, markdown: str) -> None:
        if self.step_summary:
            with open(self.step_summary, "a", encoding="utf-8") as out:
                out.write(markdown)
        else:  # GitLab has no step summary: keep it beside the report, for an artifact
            Path(self.folder, "plansync-summary.md").write_text(markdown, encoding="utf-8")

    def report(self, data: dict[str, Any]) -> str:
        path = Path(self.report_path or Path(self.folder, REPORT_NAME))
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        return str(path)


def _console(ctx: click.Context) -> Console:
    obj = ctx.find_root().obj
    return obj["console"] if isinstance(obj, dict) and "console" in obj else Console()


@click.command(name="action")
@click.pass_context
def action_command(ctx: click.Context, /) -> None:
    """Sync as a step of a GitHub Actions workflow (what action.yml runs).

    Reads GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN, GITHUB_EVENT_NAME,
    GITHUB_EVENT_PATH, GITHUB_WORKSPACE, GITHUB_REF_NAME, and plansync.yaml in the
    workspace; commits plan changes back through the contents API; writes GITHUB_OUTPUT
    and GITHUB_STEP_SUMMARY. PLANSYNC_DRY_RUN=true only reports.

    Example: GITHUB_REPOSITORY=acme/site GITHUB_TOKEN=... plansync action
    """
    sys.exit(run_in_ci(github_context(os.environ), os.environ, _console(ctx)))


@click.command(name="gitlab-ci")
@click.pass_context
def gitlab_ci_command(ctx: click.Context, /) -> None:
    """Sync as a GitLab CI job (what templates/gitlab-ci.yml runs).

    Reads CI_API_V4_URL, CI_PROJECT_PATH, CI_COMMIT_BRANCH or CI_DEFAULT_BRANCH,
    CI_PROJECT_DIR, a project access token in PLANSYNC_GITLAB_TOKEN (or GITLAB_TOKEN), and
    plansync.yaml; commits plan changes back through the repository files API.

    Example: CI_API_V4_URL=https://gitlab.com/api/v4 CI_PROJECT_PATH=acme/site plansync gitlab-ci
    """
    sys.exit(run_in_ci(gitlab_context(os.environ), os.environ, _console(ctx)))
