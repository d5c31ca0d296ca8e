"""`plansync init`: detect the service and plan files of a repository, write plansync.yaml.

Detection (remote URL -> provider, repository, API URL; files -> plan candidates) is pure;
reading git and writing the file are the two I/O steps, and questions go through `ask`.
"""

from __future__ import annotations

import configparser
import json
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from plansync.config import DEFAULT_BASE_URLS, DEFAULT_TOKEN_ENV, PROVIDERS
from plansync.errors import ConfigError
from plansync.files import write_text_atomic

Ask = Callable[[str, Sequence[str]], str]  # (question, choices) -> one of the choices
CONFIG_NAME = "plansync.yaml"
ALL_PLANS = "all of them"
_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>[^\s]+)$")
_URL = re.compile(r"^(?:[a-z+]+)://(?:[^@/\s]*@)?(?P<host>[\w.-]+)(?::\d+)?/(?P<path>[^\s]+)$")
_PLAN_NAME = re.compile(r"^(tasks|roadmap)\.md$|plan", re.IGNORECASE)
_SEARCH_DIRS = ("", "docs", "specs", ".kiro/specs")
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build"}


@dataclass(frozen=True)
class Remote:
    provider: str | None  # None: the host says neither GitHub nor GitLab
    host: str
    repo: str  # OWNER/NAME, or group/subgroup/project

    def base_url(self, provider: str) -> str:
        """The API URL for this host ("" when it is the provider's public service)."""
        if self.host in ("github.com", "gitlab.com"):
            return ""
        return f"https://{self.host}/api/v3" if provider == "github" else f"https://{self.host}"


def parse_remote(url: str) -> Remote | None:
    """A git remote URL (SSH, scp-like or HTTPS; any credentials dropped) -> Remote."""
    url = url.strip()
    match = _URL.match(url) or _SCP.match(url)
    if match is None:
        return None
    host = match["host"].lower()
    path = match["path"].strip("/")
    path = path[:-4] if path.endswith(".git") else path
    if path.count("/") < 1 or any(not part for part in path.split("/")):
        return None
    provider = "gitlab" if "gitlab" in host else "github" if "github" in host else None
    if provider == "github" and path.count("/") > 1:  # a GitHub path is OWNER/NAME only
        return None
    return Remote(provider, host, path)


def find_plans(root: Path) -> list[str]:
    """Plan-like markdown files (tasks.md, *plan*.md, roadmap.md) at the top level and
    under docs/, specs/ and .kiro/specs/, as paths relative to `root`, best first."""
    found: set[str] = set()
    for folder in _SEARCH_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        files = base.glob("*.md") if folder == "" else _walk(base)
        for path in files:
            if path.is_file() and _PLAN_NAME.search(path.name):
                found.add(path.relative_to(root).as_posix())
    return sorted(found, key=_rank)


def _walk(base: Path) -> list[Path]:
    result: list[Path] = []
    for path in sorted(base.iterdir()):
        if path.is_dir() and path.name not in _SKIP_DIRS and not path.is_symlink():
            result.extend(_walk(path))
        elif path.suffix.lower() == ".md":
            result.append(path)
    return result


def _rank(path: str) -> tuple[int, int, str]:
    """Files named like a plan first, then shallow before deep, then by name."""
    name = path.rsplit("/", 1)[-1].lower()
    kind = 0 if "plan" in name else 1 if name == "tasks.md" else 2
    return (kind, path.count("/"), path)


def git_remote_url(root: Path) -> str | None:
    """The URL of `origin` (else the first remote): from git, else from .git/config."""
    try:
        done = subprocess.run(
            ["git", "remote", "get-url", "origin"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return _url_from_git_config(root / ".git" / "config")


def _url_from_git_config(path: Path) -> str | None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    remotes = [s for s in parser.sections() if s.startswith('remote "')]
    remotes.sort(key=lambda s: s != 'remote "origin"')
    for section in remotes:
        if url := parser.get(section, "url", fallback=""):
            return url
    return None


@dataclass(frozen=True)
class Choices:
    provider: str
    repo: str
    base_url: str
    plans: tuple[str, ...]
    other_plans: tuple[str, ...] = ()  # found but not chosen: listed, commented out


def decide(
    remote: Remote | None,
    plans: Sequence[str],
    ask: Ask | None,
    provider: str | None = None,
    repo: str | None = None,
    base_url: str | None = None,
) -> Choices:
    """Fill what the flags did not say from what was detected; ask only what must be asked.

    `ask` is None in non-interactive mode: detected values are taken (the best plan file),
    and what cannot be detected is an error naming the flag that gives it.
    """
    chosen_repo = repo or (remote.repo if remote else "")
    if not chosen_repo:
        raise ConfigError(
            "cannot tell the repository: no git remote found",
            "pass --repo OWNER/NAME (and --provider gitlab for GitLab)",
        )
    chosen_provider = provider or (remote.provider if remote else None) or "github"
    if provider is None and remote is not None and remote.provider is None:
        if ask is None:
            raise ConfigError(
                f"cannot tell whether {remote.host} runs GitHub Enterprise or GitLab",
                "pass --provider github or --provider gitlab",
            )
        chosen_provider = ask(f"Which service runs on {remote.host}?", PROVIDERS)
    url = base_url if base_url is not None else ""
    if base_url is None and remote is not None and not repo:
        url = remote.base_url(chosen_provider)
    chosen, others = _choose_plans(plans, ask)
    return Choices(chosen_provider, chosen_repo, url, chosen, others)


def _choose_plans(plans: Sequence[str], ask: Ask | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not plans:
        return ("docs/plan.md",), ()
    if len(plans) == 1:
        return (plans[0],), ()
    if ask is None:
        return (plans[0],), tuple(plans[1:])
    answer = ask(
        "Several plan files were found. Which one should plansync sync?", [*plans, ALL_PLANS]
    )
    if answer == ALL_PLANS:
        return tuple(plans), ()
    return (answer,), tuple(p for p in plans if p != answer)


def render_config(choices: Choices) -> str:
    """A commented plansync.yaml that `plansync.config.load` accepts."""
    token_env = DEFAULT_TOKEN_ENV[choices.provider]
    base = choices.base_url or DEFAULT_BASE_URLS[choices.provider]
    lines = [
        "# plansync.yaml, written by `plansync init`. Every key is explained in",
        "# config.example.yaml; command-line flags override what is written here.",
        "",
        f"provider: {choices.provider}              # github or gitlab",
        f"repo: {_yaml_str(choices.repo)}",
        f"{'' if choices.base_url else '# '}base_url: {_yaml_str(base)}",
        f"# token_env: {token_env}   # the environment variable that holds the token",
        "plans:",
        *(f"  - {_yaml_str(plan)}" for plan in choices.plans),
        *(f"  # - {_yaml_str(plan)}" for plan in choices.other_plans),
        "",
        "mapping:",
        "  label: plan                 # every issue plansync manages carries this label",
        "  checklists: tracking        # criteria, risks, ...: tracking | issues | off",
        "  issue_ref: number           # task lines end with ' (#42)': number | link | off",
        "  # status_issue: true        # an issue showing progress and the plan's picture",
        "",
        "conflicts:                    # when both sides changed the same field",
        "  text: fail                  # titles, descriptions: fail | plan-wins | remote-wins",
        "  state: remote-wins          # open / done / skipped",
        "",
        "# trusted_authors: []         # besides the token's own account: whose issues with a",
        "#                             #   plansync marker may be adopted (docs/security.md)",
        "# max_wait: 900               # longest rate-limit wait; beyond it, stop (exit 75)",
    ]
    return "\n".join(lines) + "\n"


def _yaml_str(value: str) -> str:
    """A YAML scalar that reads back as the string `value` (a JSON string is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def next_steps(choices: Choices, config_path: str, missing: Sequence[str] = ()) -> str:
    """What to do after init: the token to export and the first commands."""
    token_env = DEFAULT_TOKEN_ENV[choices.provider]
    where = choices.base_url or DEFAULT_BASE_URLS[choices.provider]
    scope = "with the api scope" if choices.provider == "gitlab" else "that can write issues"
    lines = [
        f"Wrote {config_path}: {choices.provider} {choices.repo}, plan {', '.join(choices.plans)}.",
        "Next:",
        f"  export {token_env}=...   # a token {scope} in {choices.repo} ({where})",
        "  plansync plan             # what a sync would change; changes nothing",
        "  plansync sync             # do it, and write the issue references into the plan",
    ]
    if choices.other_plans:
        lines.append(f"Other plan files found (commented out in {config_path}):")
        lines.extend(f"  {p}" for p in choices.other_plans)
    for path in missing:
        lines.append(f"{path} does not exist yet: write it first (see examples/plan.md).")
    return "\n".join(lines)


def run_init(
    root: Path,
    ask: Ask | None,
    force: bool = False,
    provider: str | None = None,
    repo: str | None = None,
    base_url: str | None = None,
    plans: Sequence[str] = (),
) -> str:
    """Write `root/plansync.yaml` and return the "what next" text. `ask` None: ask nothing."""
    target = root / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists", "pass --force to replace it")
    url = git_remote_url(root) if repo is None else None
    remote = parse_remote(url) if url else None
    if url and remote is None and repo is None:
        raise ConfigError(
            "the git remote 'origin' is not a GitHub or GitLab repository URL",
            "pass --repo OWNER/NAME",
        )
    found = list(plans) or find_plans(root)
    choices = decide(remote, found, ask, provider, repo, base_url)
    write_text_atomic(target, render_config(choices))
    missing = [plan for plan in choices.plans if not (root / plan).is_file()]
    return next_steps(choices, CONFIG_NAME, missing)
