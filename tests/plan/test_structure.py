"""The safety net: a run's edits are written only when each changes no more than it says."""

from __future__ import annotations

from plansync.plan import parse_plan
from plansync.plan.structure import Refused, apply_pulled_edits, moved_keys, structure
from plansync.plan.write import AddItem, Rename, SetDescription, SetIssueRef, SetMarker

PLAN = """# Plan

## Phase 1: Setup

- [ ] Write the docs
  - [ ] Nested step
- [ ] **Task 2: Schema**
  - _Dependencies: Task 3_
- [ ] **Task 3: API**

## Later

- [ ] Write the docs
"""


def test_structure_ignores_line_numbers_and_escapes() -> None:
    plan = parse_plan(PLAN)
    moved = parse_plan(PLAN.replace("# Plan\n", "# Plan\n\nIntro.\n"))
    assert structure(moved) == structure(plan)
    (task,) = [i for i in structure(plan).items if i.key == "Task 2"]
    assert (task.dependencies, task.parent, task.written_key) == (("Task 3",), None, "Task 2")
    nested = structure(plan).items[1]
    assert nested.parent == 0 and nested.key == "nested-step"


def test_every_kind_of_edit_passes_when_it_changes_only_its_value() -> None:
    plan = parse_plan(PLAN)
    edits = [
        Rename("Task 3", "Service API"),
        SetDescription("Task 2", "- [ ] looks like a task\nDependencies: Task 1"),
        SetMarker("nested-step", "x"),
        SetIssueRef("Task 3", "#12"),
        AddItem("Phase 1", "Imported", " ", "#13"),
    ]
    text, refused = apply_pulled_edits(plan, edits)
    assert refused == []
    after = parse_plan(text)
    assert after.item("Task 3").title == "Service API" and after.item("Task 3").issue_ref == "#12"
    assert after.item("Task 2").dependencies == ("Task 3",)
    assert [i.key for i in after.items][-2:] == ["imported", "later/write-the-docs"]


def test_a_rename_that_moves_another_tasks_slug_key_is_refused() -> None:
    """The first "Write the docs" holds the slug; renaming it would hand the slug to the
    second one, whose issue (with references off) is found by that key."""
    plan = parse_plan(PLAN)
    rename = Rename("write-the-docs", "Write the guide")
    text, refused = apply_pulled_edits(plan, [rename, SetMarker("Task 3", "x")])
    assert [r.edit for r in refused] == [rename]
    assert "structure" in refused[0].reason and "later/write-the-docs" in refused[0].reason
    after = parse_plan(text)
    assert [i.key for i in after.items] == [i.key for i in plan.items]
    assert after.item("Task 3").checked


def test_an_import_gets_a_key_of_its_own_or_is_refused() -> None:
    plan = parse_plan(PLAN)
    add = AddItem("Phase 1", "Write the docs", " ", "#20")
    text, refused = apply_pulled_edits(plan, [add])
    keys = [i.key for i in parse_plan(text).items]
    assert refused == [] and keys == [
        *(i.key for i in plan.items[:4]),
        "phase-1/write-the-docs",
        "later/write-the-docs",
    ]
    later_only = parse_plan(PLAN.replace("- [ ] Write the docs\n  - [ ] Nested step\n", ""))
    text, refused = apply_pulled_edits(later_only, [add])  # it would take the later task's slug
    assert [r.edit for r in refused] == [add] and text == later_only.text


def test_edits_the_writer_cannot_make_are_refused_one_by_one() -> None:
    plan = parse_plan(PLAN)
    edits = [
        SetMarker("no-such-task", "x"),
        SetMarker("Task 2", "]"),
        Rename("Task 2", "\x00\u2028"),
        SetIssueRef("Task 2", "#1) (x"),
        Rename("Task 3", "First"),
        Rename("Task 3", "Second"),  # the same span as the one before
        SetMarker("Task 3", "x"),
    ]
    text, refused = apply_pulled_edits(plan, edits)
    assert [r.edit for r in refused] == [*edits[:4], edits[5]]
    assert all(isinstance(r, Refused) and r.reason for r in refused)
    after = parse_plan(text)
    assert (after.item("Task 3").title, after.item("Task 3").marker) == ("First", "x")


def test_no_edits_leave_the_text_alone() -> None:
    assert apply_pulled_edits(parse_plan(PLAN), []) == (PLAN, [])


def test_moved_keys_follow_items_by_place_not_line() -> None:
    plan = parse_plan(PLAN.replace("## Later\n\n- [ ] Write the docs\n", ""))
    edits = [SetDescription("Task 2", "one\ntwo\nthree"), Rename("write-the-docs", "Guide")]
    text, refused = apply_pulled_edits(plan, edits)
    assert refused == []
    assert moved_keys(plan, parse_plan(text), edits) == {"write-the-docs": "guide"}
    assert moved_keys(plan, plan, []) == {}
