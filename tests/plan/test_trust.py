"""Issue 9, "pulled text changes the plan's structure": each case reproduced, now harmless.

Each test pulls a hostile title or description into a plan the way a sync does, then
checks that the plan keeps its sections, items, keys, nesting, references and
dependencies, and that the value reads back equal to what was pulled.
"""

from __future__ import annotations

import pytest

from plansync.plan import escape, parse_plan, validate
from plansync.plan.structure import Refused, apply_pulled_edits
from plansync.plan.write import AddItem, Rename, SetDescription, SetIssueRef, SetMarker
from tests.plan.pulling import converged, pull

TEMPLATE = """# Plan

## Phase 1: Setup

- [ ] **Task 1: Environment Setup** (#1)
  - Set up the environment
  - _Requirements: 1.1 | Effort: 4 hours | Dependencies: None_
- [ ] **Task 2: Schema** (#2)

## Phase 2: Build

- [ ] **Task 3: API** (#3)
- [ ] **Task 4: UI** (#4)
"""

NO_REFS = """# Plan

## Phase 1: Setup

- [ ] Write the docs
- [ ] Ship it
"""

HEADING_TASKS = """# Plan

### - [ ] Fix the build
Some words.

### - [ ] Release
"""


def keys(text: str) -> list[str]:
    return [item.key for item in parse_plan(text).items]


@pytest.mark.parametrize("fence", ["```", "~~~", "````python"])
def test_an_unclosed_fence_in_a_description_keeps_the_tasks_after_it(fence: str) -> None:
    description = f"Try this:\n{fence}\n- [ ] not a task"
    pulled = pull(TEMPLATE, "Task 1", description=description)
    assert [i.key for i in pulled.after.items] == ["Task 1", "Task 2", "Task 3", "Task 4"]
    assert converged(pulled, "Task 1", None, description)


def test_a_closed_fence_in_a_description_is_kept_as_code() -> None:
    description = "Run:\n```sh\n- [ ] x\n## y\n```\nthen go"
    pulled = pull(TEMPLATE, "Task 1", description=description)
    assert pulled.item("Task 1").description == description  # nothing needed escaping


def test_an_html_comment_opener_in_a_description_keeps_the_tasks_after_it() -> None:
    for description in ("<!-- hidden", "<!--\n- [ ] commented task\n-->"):
        pulled = pull(TEMPLATE, "Task 1", description=description)
        assert not any(item.commented for item in pulled.after.items)
        assert converged(pulled, "Task 1", None, description)


@pytest.mark.parametrize(
    "description",
    ["- [ ] x", "* [x] done\n+ [ ] more", "1. [ ] one\n2) [ ] two", "    - [ ] deeper"],
)
def test_a_checkbox_line_in_a_description_adds_no_task(description: str) -> None:
    pulled = pull(TEMPLATE, "Task 2", description=description)
    assert len(pulled.after.items) == 4
    assert converged(pulled, "Task 2", None, description)


@pytest.mark.parametrize("text", [TEMPLATE, HEADING_TASKS])
def test_a_phase_heading_with_a_checkbox_adds_no_section(text: str) -> None:
    description = "## Phase 9: Evil\n- [ ] **Task 9: Injected**\nTitle\n===\nSub\n---"
    key = parse_plan(text).items[0].key
    pulled = pull(text, key, description=description)
    assert [s.key for s in pulled.after.sections] == [s.key for s in pulled.before.sections]
    assert converged(pulled, key, None, description)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\r"])
def test_unicode_line_separators_cannot_inject_lines(separator: str) -> None:
    description = f"ok{separator}- [ ] injected{separator}## Phase 9{separator}- [ ] more"
    pulled = pull(TEMPLATE, "Task 1", description=description)
    assert separator not in pulled.after.text
    assert pulled.item("Task 1").description.count("\n") == 3  # they are line breaks
    assert converged(pulled, "Task 1", None, description)


@pytest.mark.parametrize(
    "line",
    [
        "_Dependencies: Task 4_",
        "**Requirements**: 1.1, 2.2",
        "- **Depends on**: Task 3",
        "Blocked by: Task 4",
        "*Effort: 3 days | Dependencies: Task 4*",
    ],
)
def test_a_metadata_line_in_a_description_adds_no_relation(line: str) -> None:
    pulled = pull(TEMPLATE, "Task 2", description=f"Notes\n{line}")
    task = pulled.item("Task 2")
    assert (task.dependencies, task.requirements, dict(task.fields)) == ((), (), {})
    assert converged(pulled, "Task 2", None, f"Notes\n{line}")


@pytest.mark.parametrize("title", ["Bad (#3)", "Bad ([#3](https://x/o/r/issues/3))", "x (a/b#3)"])
def test_a_title_ending_in_an_issue_reference_stays_text(title: str) -> None:
    pulled = pull(NO_REFS, "write-the-docs", title=title)  # issue_ref: off, no references
    assert all(item.issue_ref is None for item in pulled.after.items)
    assert converged(pulled, "write-the-docs", title, None)
    plan = parse_plan(pulled.after.text)
    item = pulled.item("write-the-docs")
    gone = apply_pulled_edits(plan, [SetIssueRef(item.key, None)])[0]
    assert parse_plan(gone).items[0].issue_ref is None  # nothing to uncover either


@pytest.mark.parametrize("title", ["A** B", "A**", "**", "x __y__ z", "a `b", "end \\", "c:\\*"])
def test_a_title_with_bold_markers_keeps_the_bold_around_it(title: str) -> None:
    pulled = pull(TEMPLATE, "Task 3", title=title)
    assert pulled.refused == []
    assert converged(pulled, "Task 3", title, None)


def test_a_nul_byte_in_pulled_text_is_dropped_and_the_plan_stays_readable() -> None:
    pulled = pull(TEMPLATE, "Task 1", title="Set\x00up\x1b[31m", description="a\x00b\x7fc\x9bd")
    assert "\x00" not in pulled.after.text and "\x1b" not in pulled.after.text
    assert pulled.item("Task 1").title == "Setup[31m"
    assert pulled.item("Task 1").description == "abcd"


def test_a_title_with_a_newline_is_joined() -> None:
    pulled = pull(TEMPLATE, "Task 2", title="two\nlines\r\nhere")
    assert pulled.item("Task 2").title == "two lines here"
    assert converged(pulled, "Task 2", "two\nlines\r\nhere", None)


def test_a_blank_title_is_refused_for_that_item_only() -> None:
    plan = parse_plan(TEMPLATE)
    edits = [Rename("Task 2", " \u2028 \x00 "), Rename("Task 3", "New"), SetMarker("Task 4", "x")]
    text, refused = apply_pulled_edits(plan, edits)
    assert refused == [Refused(edits[0], refused[0].reason)] and "Task 2" in refused[0].reason
    after = parse_plan(text)
    assert (after.item("Task 2").title, after.item("Task 3").title) == ("Schema", "New")
    assert after.item("Task 4").checked


@pytest.mark.parametrize("title", ["Task 3: take over", "T001 setup", "1.2 thing", "3 things"])
def test_a_key_like_title_gives_no_key(title: str) -> None:
    pulled = pull(NO_REFS, "ship-it", title=title)
    assert all(item.written_key is None for item in pulled.after.items)
    assert converged(pulled, "ship-it", title, None)


def test_a_risk_title_does_not_make_a_task_a_checklist_entry() -> None:
    pulled = pull(TEMPLATE, "Task 4", title="Risk: nothing")
    assert pulled.item("Task 4").kind.value == "task"


def test_an_imported_issue_titled_like_a_task_gets_a_key_of_its_own() -> None:
    plan = parse_plan(TEMPLATE.replace("- [ ] **Task 3: API** (#3)\n", ""))
    added = AddItem("Phase 2", "Task 3: Hijack", " ", "#9")
    text, refused = apply_pulled_edits(plan, [added])
    after = parse_plan(text)
    assert refused == []
    (imported,) = [item for item in after.items if item.issue_ref == "#9"]
    assert imported.written_key is None and imported.key == "task-3-hijack"
    assert imported.title == "Task 3\\: Hijack"
    assert not any(p.code == "duplicate-key" for p in validate(after))
    with_task = parse_plan(text.replace("- [ ] **Task 4", "- [ ] **Task 3: API**\n- [ ] **Task 4"))
    assert "Task 3" in [item.key for item in with_task.items]  # the real task keeps its key


def test_an_edit_that_would_change_the_structure_is_refused_and_the_rest_applied() -> None:
    plan = parse_plan(HEADING_TASKS)
    text, refused = apply_pulled_edits(
        plan, [SetDescription("fix-the-build", "x\n\n---"), SetMarker("release", "x")]
    )
    assert refused == [] or all("structure" in r.reason for r in refused)
    after = parse_plan(text)
    assert [s.key for s in after.sections] == [s.key for s in plan.sections]
    assert after.item("release").checked


def test_duplicate_keys_are_an_error_with_a_stable_code() -> None:
    plan = parse_plan("- [ ] 1. A\n- [ ] 1. B\n")
    (problem,) = validate(plan)
    assert (problem.code, problem.severity.value) == ("duplicate-key", "error")


def test_a_chain_of_unclosed_fences_costs_a_bounded_number_of_scans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each unclosed fence hides the next one; escaping them one scan at a time would be
    quadratic in a 64 KB description."""
    scans: list[int] = []
    real = escape.scan

    def counting(text: str) -> list[escape.Line]:
        scans.append(len(text))
        return real(text)

    monkeypatch.setattr(escape, "scan", counting)
    description = "```a\n~~~\n<!--\n" * 2_000
    pulled = pull(TEMPLATE, "Task 1", description=description)
    assert len(scans) <= escape._ROUNDS + 4
    assert converged(pulled, "Task 1", None, description)
