"""No token in anything plansync prints: the one it was given (whatever its variable is
called), secret-looking variables, and anything shaped like a GitHub or GitLab token."""

from __future__ import annotations

import os
import subprocess
import sys

from plansync import secrets


def test_the_token_read_is_hidden_whatever_its_variable_is_called() -> None:
    secrets.register("s3cr3t-value-123")
    assert secrets.redact("got s3cr3t-value-123 back", environ={}) == "got *** back"


def test_github_and_gitlab_token_shapes_are_hidden() -> None:
    text = "ghp_" + "a" * 36 + " github_pat_" + "B1_" * 10 + " glpat-" + "x" * 20
    assert secrets.redact(text, environ={}) == "*** *** ***"


def test_secret_looking_variables_are_hidden() -> None:
    assert secrets.redact("x=hunter2hunter2", environ={"DB_PASSWORD": "hunter2hunter2"}) == "x=***"


def test_a_token_in_a_bad_setting_never_reaches_the_output(tmp_path: object) -> None:
    token = "ghp_" + "Z9" * 18
    env = dict(os.environ, MY_VAR=token)
    command = [
        sys.executable,
        "-m",
        "plansync",
        "plan",
        "--repo",
        "a/b",
        "--token-env",
        token,
        "x.md",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert token not in result.stdout + result.stderr
    assert "NAME of an environment variable" in result.stderr
