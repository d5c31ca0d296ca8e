"""Write pacing as a pure function of the write history and the time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.transport.pacing import Pacer


def test_writes_start_an_interval_apart() -> None:
    pacer = Pacer(interval=1.0)
    assert pacer.delay(100.0) == (0.0, "")
    pacer.record(100.0)
    assert pacer.delay(100.25) == (0.75, "pacing writes")
    assert pacer.delay(101.5) == (0.0, "")


def test_the_minute_budget_waits_for_the_oldest_write_to_leave_the_window() -> None:
    pacer = Pacer(interval=0, per_minute=3)
    for t in (0.0, 10.0, 20.0):
        pacer.record(t)
    assert pacer.delay(30.0) == (pytest.approx(30.001), "the budget of 3 writes a minute")
    assert pacer.delay(60.0) == (0.0, "")


def test_the_hour_budget_binds_when_the_interval_keeps_the_minute_one_loose() -> None:
    pacer = Pacer(interval=1.0, per_minute=80, per_hour=500)
    for i in range(500):
        pacer.record(float(i))
    seconds, reason = pacer.delay(500.0)
    assert (seconds, reason) == (pytest.approx(3100.001), "the budget of 500 writes an hour")


def test_budgets_off() -> None:
    pacer = Pacer(interval=0, per_minute=None, per_hour=None)
    for _ in range(1000):
        pacer.record(0.0)
    assert pacer.delay(0.0) == (0.0, "")


@settings(deadline=None, max_examples=50)
@given(gaps=st.lists(st.floats(0, 5), min_size=1, max_size=300))
def test_following_the_pacer_never_breaks_a_budget(gaps: list[float]) -> None:
    """Writes that wait as told keep every rule, however the caller's own gaps fall."""
    pacer = Pacer(interval=0.5, per_minute=20, per_hour=100)
    now = 0.0
    starts: list[float] = []
    for gap in gaps:
        now += gap
        wait, _ = pacer.delay(now)
        now += wait
        assert pacer.delay(now)[0] == 0.0
        pacer.record(now)
        starts.append(now)
    for i, start in enumerate(starts):
        assert sum(1 for t in starts[: i + 1] if t > start - 60) <= 20
        assert sum(1 for t in starts[: i + 1] if t > start - 3600) <= 100
        assert i == 0 or start - starts[i - 1] >= 0.5 - 1e-9
