"""What `validate` reports, where, and how severe."""

from __future__ import annotations

from plansync.plan import Severity, parse_plan, validate


def problems(text: str) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.col, p.severity.value, p.message) for p in validate(parse_plan(text))]


def test_a_clean_plan_has_no_problems() -> None:
    assert problems("- [ ] 1. One\n- [x] 2. Two\n  - _Depends on: 1_\n") == []


def test_duplicate_keys_point_at_the_second_use() -> None:
    assert problems("- [ ] 1. One\n- [ ] 1. Again\n") == [
        (2, 7, "error", "duplicate key '1' (first used on line 1)")
    ]


def test_unknown_dependency_points_at_the_metadata_line() -> None:
    text = "- [ ] **Task 1: A**\n  - _Requirements: 1.1 | Dependencies: Task 9_\n"
    assert problems(text) == [(2, 40, "error", "'Task 1' refers to unknown task 'Task 9'")]


def test_free_text_dependency_is_a_warning() -> None:
    text = "- [ ] 1. A\n  - Depends on: the design review\n"
    ((line, col, severity, message),) = problems(text)
    assert (line, col, severity) == (2, 17, "warning")
    assert "the design review" in message


def test_dependency_cycle_is_reported_once_at_its_first_task() -> None:
    text = (
        "- [ ] 1. A\n  - Blocked by: Task 3\n"
        "- [ ] 2. B\n  - Blocked by: Task 1\n"
        "- [ ] 3. C\n  - Blocked by: Task 2\n"
    )
    assert problems(text) == [(1, 1, "error", "dependency cycle: 1 -> 3 -> 2 -> 1")]


def test_required_for_counts_as_a_dependency_edge() -> None:
    consistent = "- [ ] 1. A\n  - Blocked by: 2\n- [ ] **2. Infra**: Required for Task 1\n"
    assert problems(consistent) == []
    cycle = "- [ ] 1. A\n- [ ] **2. Infra**: Required for Task 1\n  - Blocked by: 1\n"
    assert [p[3] for p in problems(cycle)] == ["dependency cycle: 1 -> 2 -> 1"]


def test_empty_title_and_unknown_marker() -> None:
    found = validate(parse_plan("- [ ] \n- [?] odd\n"))
    assert [(p.line, p.col, p.severity) for p in found] == [
        (1, 7, Severity.ERROR),
        (2, 4, Severity.WARNING),
    ]
    assert (
        found[1].render("plan.md").startswith("plan.md:2:4: warning: unknown checkbox marker [?]")
    )
