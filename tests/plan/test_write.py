"""Edits change only their own bytes; bad edits are refused with a clear error."""

from __future__ import annotations

import pytest

from plansync.errors import PlanEditError
from plansync.plan import Rename, SetDescription, SetIssueRef, SetMarker, apply_edits, parse_plan

TEMPLATE = (
    "### Phase 1: Setup\r\n"
    "\r\n"
    "- [ ] **Task 1: Environment Setup**  \r\n"
    "  - Set up the environment\r\n"
    "  - _Requirements: [1.1] | Effort: 4 hours | Dependencies: None_\r\n"
    "\r\n"
    "- [x] **Task 2: Schema** (#7)\r\n"
    "  - Write migrations"
)


def edit(*edits: object) -> str:
    return apply_edits(parse_plan(TEMPLATE), edits)  # type: ignore[arg-type]


def test_tick_keeps_everything_else() -> None:
    assert edit(SetMarker("Task 1", "x")) == TEMPLATE.replace("- [ ] **Task 1", "- [x] **Task 1")


def test_rename_inside_bold_keeps_key_and_trailing_spaces() -> None:
    assert edit(Rename("Task 1", "Dev Environment")) == TEMPLATE.replace(
        "Task 1: Environment Setup**  ", "Task 1: Dev Environment**  "
    )


def test_issue_ref_is_appended_after_the_bold_and_before_trailing_spaces() -> None:
    assert edit(SetIssueRef("Task 1", "#12")) == TEMPLATE.replace(
        "Environment Setup**  ", "Environment Setup** (#12)  "
    )


def test_issue_ref_is_replaced_and_removed_in_place() -> None:
    assert edit(SetIssueRef("Task 2", "[#8](https://x/8)")) == TEMPLATE.replace(
        "(#7)", "([#8](https://x/8))"
    )
    assert edit(SetIssueRef("Task 2", None)) == TEMPLATE.replace(" (#7)", "")


def test_description_keeps_line_endings_indent_and_metadata() -> None:
    result = edit(SetDescription("Task 1", "- First step\n- Second step"))
    assert result == TEMPLATE.replace(
        "  - Set up the environment\r\n",
        "  - First step\r\n  - Second step\r\n",
    )


def test_description_of_the_last_line_keeps_the_missing_final_newline() -> None:
    result = edit(SetDescription("Task 2", "- Write and test migrations"))
    assert result.endswith("  - Write and test migrations")


def test_description_added_to_a_last_line_without_newline() -> None:
    plan = parse_plan("- [ ] 1. Only")
    assert apply_edits(plan, [SetDescription("1", "- more")]) == "- [ ] 1. Only\n  - more"


def test_several_edits_on_one_item_compose() -> None:
    result = edit(SetMarker("Task 1", "x"), Rename("Task 1", "Env"), SetIssueRef("Task 1", "#3"))
    assert "- [x] **Task 1: Env** (#3)  \r\n" in result


def test_a_title_with_line_breaks_is_joined_into_one_line() -> None:
    assert "- [ ] **Task 1: two lines**" in edit(Rename("Task 1", "two\nlines"))
    assert "- [ ] **Task 1: a b c**" in edit(Rename("Task 1", "a\u2028b\r\nc\x00"))


@pytest.mark.parametrize(
    "bad",
    [
        SetMarker("Task 9", "x"),
        SetMarker("Task 1", "xx"),
        SetMarker("Task 1", "\x00"),
        SetMarker("Task 1", "\\"),
        SetMarker("Task 1", "a"),
        SetMarker("Task 1", "]"),
        Rename("Task 1", "   "),
        SetIssueRef("Task 1", "#1) injected ("),
    ],
)
def test_bad_edits_are_refused(bad: object) -> None:
    with pytest.raises(PlanEditError):
        edit(bad)


def test_a_repeated_key_gets_its_own_key_for_edits() -> None:
    plan = parse_plan("- [ ] 1. A\n- [ ] 1. B\n")
    assert [(i.key, i.written_key) for i in plan.items] == [("1", "1"), ("1~2", "1")]
    assert apply_edits(plan, [SetMarker("1~2", "x")]) == "- [ ] 1. A\n- [x] 1. B\n"
