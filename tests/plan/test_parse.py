"""What the parser reads from each plan format, one small plan per case."""

from __future__ import annotations

import textwrap

import pytest

from plansync.plan import Category, Kind, State, parse_plan


def plan_of(text: str):  # type: ignore[no-untyped-def]
    return parse_plan(textwrap.dedent(text).lstrip("\n"))


def test_template_task_with_metadata_line() -> None:
    plan = plan_of(
        """
        # Billing - Implementation Plan

        ### Phase 2: Backend Implementation

        - [ ] **Task 4: API Service Layer Development**
          - Implement core service classes
          - Add CRUD operations
          - _Requirements: [3.1, 3.2] | Effort: 6 hours | Dependencies: Task 3 | Priority: High_
        - [x] **Task 3: Models**
        """
    )
    task = plan.item("Task 4")
    assert task.title == "API Service Layer Development"
    assert (task.kind, task.state, task.checked, task.line) == (Kind.TASK, State.OPEN, False, 5)
    assert task.section == "Phase 2"
    assert task.requirements == ("3.1", "3.2")
    assert (task.effort, task.priority) == ("6 hours", "High")
    assert task.dependencies == ("Task 3",)
    assert task.description == "- Implement core service classes\n- Add CRUD operations"
    assert plan.item("Task 3").checked
    assert plan.title == "Billing - Implementation Plan"
    assert plan.format == "template"
    assert [s.key for s in plan.sections] == ["billing-implementation-plan", "Phase 2"]


def test_kiro_nested_tasks_states_and_requirements() -> None:
    plan = plan_of(
        """
        - [x] 1. Set up project
          - Create folders
          - _Requirements: 1.1, 2.3_
        - [-] 2. Build the parser
          - [x] 2.1 Tokenizer
            - _Requirements: 3.1_
          - [ ]* 2.2 Property tests
          - [~] 2.3 Dropped idea
        """
    )
    assert [i.key for i in plan.items] == ["1", "2", "2.1", "2.2", "2.3"]
    assert plan.item("1").requirements == ("1.1", "2.3")
    assert plan.item("2").state is State.IN_PROGRESS
    assert plan.item("2.1").parent == "2"
    assert plan.item("2.2").optional and plan.item("2.2").parent == "2"
    assert plan.item("2.3").state is State.SKIPPED
    assert plan.item("2").description == ""
    assert plan.format == "kiro"


def test_speckit_ids_tags_and_depends_on() -> None:
    plan = plan_of(
        """
        ## Phase 3.1: Setup

        - [ ] T001 Create project structure
        - [X] T002 [P] [US1] Create model in src/models/user.py
          - **Depends on**: T001
        """
    )
    item = plan.item("T002")
    assert item.title == "Create model in src/models/user.py"
    assert item.tags == ("P", "US1")
    assert item.checked and item.marker == "X"
    assert item.dependencies == ("T001",)
    assert item.section == "Phase 3.1"
    assert plan.format == "speckit"


def test_template_checklists_risks_and_prerequisites() -> None:
    plan = plan_of(
        """
        ## Quality Gates and Checkpoints
        ### Phase 1 Completion Criteria
        - [ ] All tests passing
        ## Risk Mitigation Tasks
        ### High Priority Risks
        - [ ] **Risk: Database Migration Issues**
          - **Mitigation Task**: Back up first
          - **Timeline**: Before Task 2
          - **Owner**: alice
        ## Dependencies and Prerequisites
        ### Internal Dependencies
        - [ ] **Authentication System**: Required for Tasks 5, 9
        ## Success Metrics and KPIs
        - [ ] Uptime > 99.9%
        """
    )
    gate, risk, prerequisite, metric = plan.items
    assert (gate.kind, gate.category) == (Kind.CHECKLIST, Category.QUALITY_GATE)
    assert gate.section == "phase-1-completion-criteria"
    assert risk.category is Category.RISK and risk.owner == "alice"
    assert risk.fields["timeline"] == "Before Task 2"
    assert risk.fields["mitigation task"] == "Back up first"
    assert prerequisite.category is Category.PREREQUISITE
    assert prerequisite.title == "Authentication System"
    assert prerequisite.blocks == ("Task 5", "Task 9")
    assert metric.category is Category.METRIC and metric.title == "Uptime > 99.9%"


def test_checkboxes_in_fences_are_not_items_and_in_comments_are_marked() -> None:
    plan = plan_of(
        """
        - [ ] real
        ```markdown
        - [ ] example in a fence
        ```
          ~~~
          - [ ] tilde fence
          ~~~
        <!--
        - [ ] commented out
        -->
        - [x] also real
        """
    )
    assert [(i.title, i.line, i.commented) for i in plan.items] == [
        ("real", 1, False),
        ("commented out", 9, True),
        ("also real", 11, False),
    ]


@pytest.mark.parametrize(
    ("line", "title", "marker"),
    [
        ("* [x] star bullet", "star bullet", "x"),
        ("+ [X] plus bullet", "plus bullet", "X"),
        ("1. [ ] numbered", "numbered", " "),
        ("3) [ ] numbered with paren", "numbered with paren", " "),
        ("-\t[ ]\ttabs everywhere", "tabs everywhere", " "),
        (
            "- [ ] 🚀 emoji and [a link](https://example.com) and `code`",
            "🚀 emoji and [a link](https://example.com) and `code`",
            " ",
        ),
        ("- [ ] trailing spaces   ", "trailing spaces", " "),
        ("### - [ ] Fix the build", "Fix the build", " "),
        ("- [v] a marker nobody knows", "a marker nobody knows", "v"),
    ],
)
def test_bullet_and_marker_variants(line: str, title: str, marker: str) -> None:
    (item,) = parse_plan(line + "\n").items
    assert (item.title, item.marker) == (title, marker)


def test_unknown_marker_is_kept_as_written() -> None:
    (item,) = parse_plan("- [?] maybe\n").items
    assert item.state is State.UNKNOWN and item.marker == "?" and not item.checked


def test_crlf_and_missing_final_newline() -> None:
    plan = parse_plan("# T\r\n\r\n- [ ] one\r\n  - detail\r\n- [x] two")
    assert [(i.title, i.line) for i in plan.items] == [("one", 3), ("two", 5)]
    assert plan.item("one").description == "- detail"


def test_setext_headings_are_sections() -> None:
    plan = plan_of(
        """
        TODO
        ====

        main
        ----
        - [x] first
        """
    )
    assert [(s.title, s.level) for s in plan.sections] == [("TODO", 1), ("main", 2)]
    assert plan.item("first").section == "main"


def test_thematic_break_under_a_list_is_not_a_heading() -> None:
    plan = plan_of(
        """
        - [ ] task
          text
        ---
        - [ ] next
        """
    )
    assert plan.sections == ()
    assert len(plan.items) == 2


def test_items_without_ids_get_stable_derived_keys() -> None:
    text = (
        "## Backlog\n- [ ] Write the docs\n- [ ] Write the docs\n## Later\n- [ ] Write the docs\n"
    )
    keys = [i.key for i in parse_plan(text).items]
    assert keys == ["write-the-docs", "backlog/write-the-docs", "later/write-the-docs"]
    assert keys == [i.key for i in parse_plan(text).items]


def test_dependencies_resolve_between_numbering_styles() -> None:
    plan = plan_of(
        """
        - [ ] 1. First
        - [ ] 2. Second
          - Blocked by: Task 1
        - [ ] 3. Third
          - _Dependencies: Tasks 1 and 2_
        """
    )
    assert plan.item("2").dependencies == ("1",)
    assert plan.item("3").dependencies == ("1", "2")


def test_issue_reference_is_read_and_kept_out_of_the_title() -> None:
    plan = plan_of(
        """
        - [ ] **Task 1: Set up** (#42)
        - [ ] Plain task ([#7](https://github.com/o/r/issues/7))
        - [ ] Elsewhere (group/sub/proj#9)
        """
    )
    assert [(i.title, i.issue_ref) for i in plan.items] == [
        ("Set up", "#42"),
        ("Plain task", "[#7](https://github.com/o/r/issues/7)"),
        ("Elsewhere", "group/sub/proj#9"),
    ]


def test_bold_key_only_and_bold_summary_forms() -> None:
    plan = plan_of(
        """
        - [x] **Task 2** — Config: polymorphic parser
        - [ ] **Task 4: Shared validator.** Generalize the HITL validator
        - [ ] **Task 5: Docs** (AC: 1, 3)
        """
    )
    assert plan.item("Task 2").title == "Config: polymorphic parser"
    assert plan.item("Task 4").title == "Shared validator."
    assert plan.item("Task 4").fields["summary"] == "Generalize the HITL validator"
    assert plan.item("Task 5").title == "Docs"
    assert plan.item("Task 5").fields["ac"] == "1, 3"


def test_document_metadata_from_overview_and_footer() -> None:
    plan = plan_of(
        """
        # Plan
        Branch: feature/x

        ## Task Overview
        **Total Tasks:** 3
        **Priority:** High

        ---
        **Project Manager:** Dana
        """
    )
    assert dict(plan.metadata) == {
        "Branch": "feature/x",
        "Total Tasks": "3",
        "Priority": "High",
        "Project Manager": "Dana",
    }


def test_anything_is_a_plan() -> None:
    for text in ["", "\n", "no list here", "- [", "# only a title", "\ufeff# BOM title\n- [ ] x"]:
        plan = parse_plan(text)
        assert plan.text == text
    assert parse_plan("\ufeff# BOM title\n").title == "BOM title"


def test_section_fields_and_due_dates() -> None:
    plan = plan_of(
        """
        # Plan
        ### Phase 1: Setup (due 2026-12-01)
        - [ ] a
        ### Phase 2: Build
        **Due:** 2027-01-15
        Deadline: 2027-02-01
        - [ ] b
        ### Phase 3: Ship
        """
    )
    phases = {s.key: s for s in plan.sections}
    assert phases["Phase 1"].due == "2026-12-01"
    assert phases["Phase 2"].due == "2027-01-15"
    assert dict(phases["Phase 2"].fields) == {"due": "2027-01-15", "deadline": "2027-02-01"}
    assert phases["Phase 3"].due is None
