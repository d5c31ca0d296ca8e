"""plansync.yaml: defaults, overrides, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from plansync.config import load
from plansync.errors import ConfigError
from tests.conftest import ROOT


def test_the_example_config_loads() -> None:
    config = load(str(ROOT / "config.example.yaml"), {})
    assert (config.provider, config.repo, config.plans) == (
        "github",
        "acme/website",
        ("docs/plan.md",),
    )
    assert (config.base_url, config.token_env) == ("https://api.github.com", "GITHUB_TOKEN")
    assert config.mapping.users == {"alice": "alice-github"}
    assert (config.conflicts.text, config.conflicts.state) == ("fail", "remote-wins")


def test_command_line_overrides_and_gitlab_defaults(tmp_path: Path) -> None:
    path = tmp_path / "plansync.yaml"
    path.write_text("provider: github\nrepo: a/b\nplans: [p.md]\n")
    config = load(str(path), {"provider": "gitlab", "repo": "g/sub/p", "plans": ()})
    assert (config.provider, config.repo, config.plans) == ("gitlab", "g/sub/p", ("p.md",))
    assert (config.base_url, config.token_env) == ("https://gitlab.com", "GITLAB_TOKEN")


def test_command_line_errors_say_which_flag() -> None:
    with pytest.raises(ConfigError, match=r"no repository given.*--repo OWNER/NAME"):
        load(None, {"plans": ("p.md",)})
    with pytest.raises(ConfigError, match="no plan file given"):
        load(None, {"repo": "o/r"})


def test_one_shot_needs_no_file() -> None:
    config = load(
        None, {"repo": "o/r", "plans": ("plan.md",), "base_url": "http://127.0.0.1:1/api/v3/"}
    )
    assert config.base_url == "http://127.0.0.1:1/api/v3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "repo: a/b\nplans: [p.md]\nconflicts:\n  text: maybe\n",
            r"plansync.yaml:4: conflicts.text: 'maybe' is not allowed",
        ),
        ("repo: a/b\nplans: [p.md]\ncolour: red\n", r"plansync.yaml:3: colour: unknown setting"),
        ("repo: nope\nplans: [p.md]\n", r"plansync.yaml:1: repo: 'nope' is not OWNER/NAME"),
        ("repo: a/b\n", r"plans: no plan file given"),
        ("repo: [a\n", r"plansync.yaml:\d+:\d+: .*"),
        ("- a\n- b\n", r"expected a mapping"),
    ],
)
def test_errors_name_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "plansync.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load(str(path), {})


def test_missing_token_says_which_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(None, {"repo": "o/r", "plans": ("p.md",)})
    with pytest.raises(ConfigError, match="GITHUB_TOKEN is empty"):
        config.token({})
    assert config.token({"GITHUB_TOKEN": "t0k"}) == "t0k"
