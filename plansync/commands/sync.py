"""`plansync plan` and `plansync sync`: options -> Settings -> run() -> rendered report.

Every option has a PLANSYNC_* environment variable. Precedence: a flag, then the environment,
then plansync.yaml, then the default.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from plansync import report as render
from plansync.config import PROVIDERS, Config
from plansync.config import load as load_config
from plansync.run import Mode, RunReport, Settings, run
from plansync.transport import TransportSettings, Wait, defaults_for
from plansync.ui import Console

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_MAX_CREATES = 500


def run_options(function: F) -> F:
    """The options shared by every command that talks to the service."""
    options = [
        click.argument("plan_paths", metavar="[PLAN]...", nargs=-1, envvar="PLANSYNC_PLAN"),
        click.option(
            "--config",
            "config_path",
            metavar="FILE",
            show_envvar=True,
            envvar="PLANSYNC_CONFIG",
            help="Settings file (default: ./plansync.yaml if present).",
        ),
        click.option(
            "--provider",
            type=click.Choice(PROVIDERS),
            show_envvar=True,
            envvar="PLANSYNC_PROVIDER",
            help="github or gitlab.",
        ),
        click.option(
            "--repo",
            metavar="OWNER/NAME",
            show_envvar=True,
            envvar="PLANSYNC_REPO",
            help="Repository (GitHub) or project path (GitLab).",
        ),
        click.option(
            "--base-url",
            metavar="URL",
            show_envvar=True,
            envvar="PLANSYNC_BASE_URL",
            help="API base URL: GitHub Enterprise, self-managed GitLab, the sandbox.",
        ),
        click.option(
            "--token-env",
            metavar="VAR",
            show_envvar=True,
            envvar="PLANSYNC_TOKEN_ENV",
            help="Name of the variable holding the token (default GITHUB_TOKEN / GITLAB_TOKEN).",
        ),
        click.option(
            "--write-interval",
            type=click.FloatRange(min=0),
            show_envvar=True,
            envvar="PLANSYNC_WRITE_INTERVAL",
            help="Seconds between two writes (default 1; GitHub asks for about 1).",
        ),
        click.option(
            "--max-wait",
            type=click.FloatRange(min=0),
            show_envvar=True,
            envvar="PLANSYNC_MAX_WAIT",
            help="Longest rate-limit wait in seconds; beyond it, stop and resume later "
            "(exit 75). Default 900.",
        ),
        click.option(
            "--retry-seconds",
            type=click.FloatRange(min=0),
            show_envvar=True,
            envvar="PLANSYNC_RETRY_SECONDS",
            help="How long to keep retrying one request after network errors and 5xx "
            "answers (default 120).",
        ),
        click.option(
            "--max-creates",
            type=click.IntRange(min=0),
            show_envvar=True,
            envvar="PLANSYNC_MAX_CREATES",
            help=f"Most issues one run may create (default {DEFAULT_MAX_CREATES}).",
        ),
        click.option(
            "--cache-dir",
            metavar="DIR",
            show_envvar=True,
            envvar="PLANSYNC_CACHE_DIR",
            help="Where ETags of the last run are kept, so unchanged listings cost nothing "
            "(default: the user cache directory; 'off' for none).",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            show_envvar=True,
            envvar="PLANSYNC_JSON",
            help="Print the report as JSON (one shape for any number of plans).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def settings_from(options: dict[str, Any], direction: str = "both") -> Settings:
    """Flags and environment (already merged by click) over plansync.yaml over defaults."""
    config_path = options["config_path"]
    if config_path is None and Path("plansync.yaml").is_file():
        config_path = "plansync.yaml"
    overrides = {
        "provider": options["provider"],
        "repo": options["repo"],
        "base_url": options["base_url"],
        "token_env": options["token_env"],
        "plans": tuple(options["plan_paths"]),
        "write_interval": options["write_interval"],
        "max_wait": options["max_wait"],
        "max_creates": options["max_creates"],
        "retry_seconds": options["retry_seconds"],
    }
    config = load_config(config_path, overrides)
    transport = transport_settings(config)
    return Settings(
        config=config,
        token=config.token(),
        direction=direction,
        transport=transport,
        cache_path=cache_path(options["cache_dir"], config),
        max_creates=config.max_creates if config.max_creates is not None else DEFAULT_MAX_CREATES,
    )


def transport_settings(config: Config) -> TransportSettings:
    """The provider's defaults, with what the settings file or the flags changed."""
    transport = defaults_for(config.provider)
    if config.write_interval is not None:
        transport = replace(transport, write_interval=config.write_interval)
    if config.max_wait is not None:
        transport = replace(transport, max_wait=config.max_wait)
    if config.retry_seconds is not None:
        transport = replace(transport, max_retry_seconds=config.retry_seconds)
    return transport


def cache_path(cache_dir: str | None, config: Config) -> str | None:
    if cache_dir == "off":
        return None
    base = Path(cache_dir) if cache_dir else _user_cache() / "plansync"
    name = f"{config.provider}-{config.repo.replace('/', '_')}.json"
    return str(base / name)


def _user_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) if xdg else Path.home() / ".cache"


def execute(mode: Mode, direction: str, console: Console, options: dict[str, Any]) -> int:
    settings = settings_from(options, direction)
    as_json = options["as_json"]

    def on_wait(wait: Wait) -> None:
        console.wait(wait)

    result: RunReport = run(settings, mode, on_wait=on_wait, progress=console.progress)
    console.done()
    if as_json:
        click.echo(json.dumps(render.run_json(result), indent=2, ensure_ascii=False))
    else:
        click.echo(render.run_text(result, settings.max_creates, color=sys.stdout.isatty()))
    return result.exit_code


@click.command(name="plan")
@run_options
@click.pass_context
def plan_command(ctx: click.Context, /, **options: Any) -> None:
    """Show what a sync would change, on the service and in the plan; change nothing.

    Exit code 0 when both sides are in sync, 2 when changes are pending, 75 when a rate
    limit stopped the run.

    Example: plansync plan --provider github --repo acme/site docs/plan.md
    """
    sys.exit(execute(Mode.PLAN, "both", _console(ctx), options))


@click.command(name="sync")
@run_options
@click.option(
    "--direction",
    type=click.Choice(["both", "push", "pull"]),
    default="both",
    show_default=True,
    envvar="PLANSYNC_DIRECTION",
    help="push: change only the service; pull: change only the plan.",
)
@click.pass_context
def sync_command(ctx: click.Context, /, direction: str, **options: Any) -> None:
    """Bring the plan and the issues in step, and write the plan back (only changed bytes).

    Exit code 0 when done, 1 when conflicts were left for a person to resolve, 75 when a
    rate limit outlasted --max-wait (run again later: it goes on where it stopped).

    Example: GITHUB_TOKEN=... plansync sync --repo acme/site docs/plan.md
    """
    sys.exit(execute(Mode.SYNC, direction, _console(ctx), options))


def _console(ctx: click.Context) -> Console:
    obj = ctx.find_root().obj
    return obj["console"] if isinstance(obj, dict) and "console" in obj else Console()
