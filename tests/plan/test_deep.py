"""Deeply nested lists: no recursion limit anywhere, and a warning past GitHub's 8 levels."""

from __future__ import annotations

import pytest

from plansync.engine.desired import desired_state
from plansync.engine.policy import Mapping_
from plansync.plan import parse_plan, validate
from plansync.plan.export import plan_to_dict
from plansync.plan.validate import SUB_ISSUE_LEVELS


def nested(levels: int) -> str:
    """One chain of `levels` checkboxes, each one column deeper (tabs keep the file small)."""
    lines = ["# Plan", "## Phase 1: Deep"]
    for level in range(levels):
        indent = "\t" * (level // 4) + " " * (level % 4)
        lines.append(f"{indent}- [ ] step {level}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [1_000, 10_000])
def test_deep_nesting_is_read_validated_exported_and_mapped_without_recursion(
    levels: int,
) -> None:
    plan = parse_plan(nested(levels))
    assert len(plan.items) == levels
    assert plan.items[-1].parent == plan.items[-2].key
    problems = [p for p in validate(plan) if p.code == "deep-nesting"]
    assert (
        len(problems) == 1 and f"and {levels - SUB_ISSUE_LEVELS - 1} below" in problems[0].message
    )
    assert len(plan_to_dict(plan)["items"]) == levels
    desired = desired_state(plan, Mapping_())
    assert max(_depth(desired.issues)) == SUB_ISSUE_LEVELS
    listing = next(i for i in desired.issues if i.key == "step-7").details
    assert listing.endswith(f"- ... and {levels - SUB_ISSUE_LEVELS - 100} more")
    assert len(listing) < 10_000


def _depth(issues: tuple[object, ...]) -> list[int]:
    level: dict[str, int] = {}
    for issue in issues:
        parent = issue.parent
        level[issue.key] = level.get(parent, 0) + 1 if parent else 1
    return list(level.values())


def test_validate_warns_once_per_subtree_past_eight_levels() -> None:
    plan = parse_plan(nested(8) + "- [ ] flat\n")
    assert not [p for p in validate(plan) if p.code == "deep-nesting"]
    plan = parse_plan(nested(9))
    (problem,) = [p for p in validate(plan) if p.code == "deep-nesting"]
    assert problem.line == 11 and problem.severity.value == "warning"
    assert "'step-8' is nested deeper than the 8 levels" in problem.message


def test_sync_lists_tasks_below_level_eight_in_their_level_eight_parent() -> None:
    text = nested(11).replace("- [ ] step 9", "- [x] step 9")
    desired = desired_state(parse_plan(text), Mapping_())
    issues = {issue.key: issue for issue in desired.issues}
    assert [issues[f"step-{n}"].parent for n in (8, 9, 10)] == [None, None, None]
    assert issues["step-7"].parent == "step-6"
    assert issues["step-7"].details.endswith(
        "**Nested deeper than 8 levels:**\n\n"
        "- [ ] step 8 (step-8)\n- [x] step 9 (step-9)\n- [ ] step 10 (step-10)"
    )
    assert desired.notes == (
        "3 tasks are nested deeper than the 8 levels of sub-issues the service allows: "
        "listed in their level-8 parent's body, not linked",
    )


def test_a_plan_within_eight_levels_has_no_notes() -> None:
    assert desired_state(parse_plan(nested(8)), Mapping_()).notes == ()
