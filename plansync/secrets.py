"""Keeping tokens out of everything plansync prints: the values it was given, the values of
secret-looking environment variables, and anything shaped like a GitHub or GitLab token."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

_known: set[str] = set()
# GitHub: ghp_ (classic), gho_/ghu_/ghs_/ghr_ (OAuth, user, server, refresh), github_pat_
# (fine-grained); GitLab: glpat-, gloas-, gldt-, glptt-, glrt-, and other gl..- prefixes.
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|gl[a-z]{2,6}-[A-Za-z0-9_\-]{16,})"
)
_SECRET_NAMES = ("TOKEN", "SECRET", "PASSWORD", "PRIVATE", "CREDENTIAL")


def register(value: str) -> None:
    """Remember a secret this process holds (the token read from `token_env`)."""
    if len(value) >= 4:
        _known.add(value)


def redact(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """`text` with every secret replaced by ***."""
    secrets = set(_known)
    secrets.update(
        value
        for name, value in environ.items()
        if len(value) >= 8 and any(word in name.upper() for word in _SECRET_NAMES)
    )
    for secret in sorted(secrets, key=len, reverse=True):  # longest first: no partial leftovers
        text = text.replace(secret, "***")
    return _TOKEN_SHAPES.sub("***", text)


def looks_like_token(value: str) -> bool:
    """A GitHub or GitLab token's shape, or a long random-looking string (no variable name)."""
    if _TOKEN_SHAPES.fullmatch(value):
        return True
    mixed = any(c.islower() for c in value) and any(c.isdigit() for c in value)
    return len(value) >= 30 and mixed
