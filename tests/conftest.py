"""Shared test helpers: where the team's shared reference data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No Hypothesis deadline: its default 200 ms per example fails tests by chance on a loaded
# machine, and no test may depend on wall-clock speed.
settings.register_profile("plansync", deadline=None)
settings.load_profile("plansync")

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """../shared beside the repository (or $PLANSYNC_SHARED), as CI lays it out."""
    return Path(os.environ.get("PLANSYNC_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set PLANSYNC_SHARED)")
    return path
