"""Fixtures for sandbox tests that need time: a `FakeTime` and a sandbox running on it, so a
rate-limit window or a latency passes without any real waiting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plansync.sandbox import FakeTime, Sandbox


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def timed_sandbox(fake_time: FakeTime) -> Iterator[Sandbox]:
    """A fresh sandbox whose clock is `fake_time`: tests move time on with `fake_time.sleep`."""
    with Sandbox(clock=fake_time) as sandbox:
        yield sandbox
