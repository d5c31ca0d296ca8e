"""The three-way merge of one field, as a table."""

from __future__ import annotations

import pytest

from plansync.engine.merge import merge


def same(value: str) -> str:
    return value


@pytest.mark.parametrize(
    ("plan", "remote", "base", "policy", "expected"),
    [
        # value, push, pull, conflict
        ("a", "a", "a", "fail", ("a", False, False, False)),
        ("b", "a", "a", "fail", ("b", True, False, False)),  # plan changed
        ("a", "b", "a", "fail", ("b", False, True, False)),  # service changed
        ("b", "b", "a", "fail", ("b", False, False, False)),  # both, to the same value
        ("b", "c", "a", "fail", ("c", False, False, True)),  # both, differently
        ("b", "c", "a", "plan-wins", ("b", True, False, False)),
        ("b", "c", "a", "remote-wins", ("c", False, True, False)),
        ("b", "c", None, "fail", ("b", True, False, False)),  # no base yet: the plan is the source
    ],
)
def test_merge_table(
    plan: str, remote: str, base: str | None, policy: str, expected: tuple[object, ...]
) -> None:
    merged = merge(plan, remote, base, policy, same)
    assert (merged.value, merged.push, merged.pull, merged.conflict) == expected
    assert merged.base == (None if merged.conflict else merged.value)
