"""plansync.yaml -> a frozen Config; every error names the file, the key and the line."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from plansync.engine.policy import Conflicts, Mapping_, Policy
from plansync.errors import ConfigError
from plansync.plan.scan import MARKER_CHARS
from plansync.secrets import looks_like_token

COMMAND_LINE = "(command line)"
PROVIDERS = ("github", "gitlab")
POLICIES = ("fail", "plan-wins", "remote-wins")
DEFAULT_BASE_URLS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com"}
DEFAULT_TOKEN_ENV = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}


@dataclass(frozen=True)
class Config:
    provider: str = "github"
    repo: str = ""
    base_url: str = ""
    token_env: str = ""
    plans: tuple[str, ...] = ()
    mapping: Mapping_ = field(default_factory=Mapping_)
    conflicts: Conflicts = field(default_factory=Conflicts)
    trusted_authors: tuple[str, ...] = ()  # besides the token's own account
    write_interval: float | None = None  # seconds between writes (None: the default)
    max_wait: float | None = None  # longest rate-limit wait a run accepts
    max_creates: int | None = None  # most issues one run may create
    retry_seconds: float | None = None  # time spent retrying one request's transient failures
    source: str = COMMAND_LINE

    def policy(
        self, trusted_authors: frozenset[str] | None = None, status_text: str | None = None
    ) -> Policy:
        return Policy(self.mapping, self.conflicts, trusted_authors, status_text)

    def token(self, environ: Mapping[str, str] = os.environ) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.token_env) or looks_like_token(
            self.token_env
        ):
            # Never echo it: a value that is no variable name is often the token itself.
            raise ConfigError(
                "token_env must be the NAME of an environment variable, and this is not one",
                "e.g. --token-env GH_TOKEN after export GH_TOKEN=...; never put a token "
                "itself on the command line",
            )
        token = environ.get(self.token_env, "")
        if not token:
            target = self.repo or "the repository"
            raise ConfigError(
                f"no token: the environment variable {self.token_env} is empty",
                f"export {self.token_env}=... (a token with access to {target})",
            )
        return token


def load(
    path: str | None, overrides: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> Config:
    """Read `path` (if given), apply command-line overrides, fill defaults, check it all.

    `defaults` (what a CI environment says, say) count only where the file says nothing.
    """
    data: dict[str, Any] = dict(defaults or {})
    source = COMMAND_LINE
    if path is not None:
        source = path
        data.update(_read_yaml(path))
    for key, value in overrides.items():
        if value not in (None, ()):
            data[key] = value
    config = _build(data, source)
    provider = config.provider
    return replace(
        config,
        base_url=(config.base_url or DEFAULT_BASE_URLS[provider]).rstrip("/"),
        token_env=config.token_env or DEFAULT_TOKEN_ENV[provider],
    )


def _read_yaml(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8", "save the file as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{where}: {problem}", "check the indentation and quoting") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return data


def _line_of(source: str, key: str) -> str:
    """`file:line` where a top-level or nested key is written, for error messages."""
    try:
        for number, line in enumerate(Path(source).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith(f"{key.split('.')[-1]}:"):
                return f"{source}:{number}"
    except OSError:
        pass
    return source


def _fail(source: str, key: str, message: str, hint: str) -> ConfigError:
    return ConfigError(f"{_line_of(source, key)}: {key}: {message}", hint)


def _choice(source: str, key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value is False and "off" in choices:  # YAML reads a bare `off` as false
        value = "off"
    if value not in choices:
        return_hint = "one of " + ", ".join(choices)
        raise _fail(source, key, f"{value!r} is not allowed", f"use {return_hint}")
    return str(value)


def _build(data: Mapping[str, Any], source: str) -> Config:
    known = {
        "provider",
        "repo",
        "base_url",
        "token_env",
        "plans",
        "mapping",
        "conflicts",
        "trusted_authors",
        "write_interval",
        "max_wait",
        "max_creates",
        "retry_seconds",
    }
    for key in data:
        if key not in known:
            raise _fail(source, str(key), "unknown setting", "known: " + ", ".join(sorted(known)))
    provider = _choice(source, "provider", data.get("provider", "github"), PROVIDERS)
    command_line = source == COMMAND_LINE
    repo = str(data.get("repo") or "")
    if not repo and command_line:
        raise ConfigError(
            "no repository given", "pass --repo OWNER/NAME, or write it in plansync.yaml"
        )
    if "/" not in repo:
        raise _fail(source, "repo", f"{repo!r} is not OWNER/NAME", "e.g. acme/website")
    plans = data.get("plans") or ()
    if isinstance(plans, str):
        plans = (plans,)
    if not plans and command_line:
        raise ConfigError(
            "no plan file given", "name it: plansync sync --repo OWNER/NAME docs/plan.md"
        )
    if not plans or not all(isinstance(p, str) for p in plans):
        raise _fail(source, "plans", "no plan file given", "e.g. plans: [docs/plan.md]")
    return Config(
        provider=provider,
        repo=repo,
        base_url=_url(source, str(data.get("base_url") or "")),
        token_env=str(data.get("token_env") or ""),
        plans=tuple(plans),
        mapping=_mapping(data.get("mapping") or {}, source),
        conflicts=_conflicts(data.get("conflicts") or {}, source),
        trusted_authors=_logins(source, data.get("trusted_authors")),
        write_interval=_number(source, "write_interval", data.get("write_interval")),
        max_wait=_number(source, "max_wait", data.get("max_wait")),
        max_creates=_count(source, "max_creates", data.get("max_creates")),
        retry_seconds=_number(source, "retry_seconds", data.get("retry_seconds")),
        source=source,
    )


def _url(source: str, value: str) -> str:
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(
            source,
            "base_url",
            f"{value!r} is not an http(s) URL",
            "e.g. https://github.example.com/api/v3 or https://gitlab.example.com",
        )
    return value


def _number(source: str, key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _fail(source, key, f"{value!r} is not a number of seconds", f"e.g. {key}: 1.5")
    return float(value)


def _count(source: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(source, key, f"{value!r} is not a whole number", f"e.g. {key}: 500")
    return value


def _logins(source: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(source, "trusted_authors", "expected a list of logins", "e.g. [octocat]")
    return tuple(v.lstrip("@") for v in value)


def _mapping(data: Mapping[str, Any], source: str) -> Mapping_:
    defaults = Mapping_()
    fields_ = {name for name in Mapping_.__dataclass_fields__}
    for key in data:
        if key not in fields_:
            raise _fail(
                source, f"mapping.{key}", "unknown setting", "known: " + ", ".join(sorted(fields_))
            )
    extra = data.get("extra_labels", defaults.extra_labels)
    users = data.get("users", {}) or {}
    marker = str(data.get("skipped_marker", defaults.skipped_marker))
    if len(marker) != 1 or marker not in MARKER_CHARS or marker == " ":
        raise _fail(
            source,
            "mapping.skipped_marker",
            f"{marker!r} is not a checkbox marker plansync reads",
            f"one of {MARKER_CHARS.strip()!r}, e.g. '~'",
        )
    return Mapping_(
        label=str(data.get("label", defaults.label)),
        extra_labels=tuple(
            _choice(source, "mapping.extra_labels", x, ("priority", "effort", "kind"))
            for x in extra
        ),
        checklists=_choice(
            source,
            "mapping.checklists",
            data.get("checklists", defaults.checklists),
            ("issues", "tracking", "off"),
        ),
        nested=_choice(
            source,
            "mapping.nested",
            data.get("nested", defaults.nested),
            ("sub-issues", "task-list"),
        ),
        issue_ref=_choice(
            source,
            "mapping.issue_ref",
            data.get("issue_ref", defaults.issue_ref),
            ("number", "link", "off"),
        ),
        skipped_marker=marker,
        users={str(k): str(v) for k, v in users.items()},
        import_issues=bool(data.get("import_issues", defaults.import_issues)),
        milestone_prefix=str(data.get("milestone_prefix", defaults.milestone_prefix)),
        status_issue=bool(data.get("status_issue", defaults.status_issue)),
    )


def _conflicts(data: Any, source: str) -> Conflicts:
    if isinstance(data, str):  # "conflicts: plan-wins" sets both
        policy = _choice(source, "conflicts", data, POLICIES)
        return Conflicts(text=policy, state=policy)
    defaults = Conflicts()
    return Conflicts(
        text=_choice(source, "conflicts.text", data.get("text", defaults.text), POLICIES),
        state=_choice(source, "conflicts.state", data.get("state", defaults.state), POLICIES),
    )
