"""Per-phase progress: the numbers on the example and a real plan, and the three renderings."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plansync.engine.records import RemoteState
from plansync.plan import parse_plan
from plansync.status import as_json, cell, progress, render_markdown, render_text
from tests.conftest import ROOT

EXAMPLE = parse_plan((ROOT / "examples" / "plan.md").read_text(encoding="utf-8"), "plan.md")


def test_the_example_plan_per_phase() -> None:
    report = progress(EXAMPLE)
    rows = [(p.title, p.done, p.total, p.open, p.blocked) for p in report.phases]
    assert rows == [
        ("Phase 1: Foundation and Setup", 1, 2, 1, 0),
        ("Phase 2: Backend Implementation", 0, 3, 0, 3),
        ("Phase 3: Frontend Implementation", 0, 2, 0, 2),
        ("Phase 4: Integration and Testing", 0, 2, 0, 2),
    ]
    total = report.total
    assert (total.done, total.total, total.open, total.blocked, total.skipped) == (1, 9, 1, 7, 0)
    assert total.open_issues is None  # checklists (quality gates, risks) are not tasks


def test_remote_states_give_open_issues_and_count_closed_issues_as_done() -> None:
    remote = {f"Task {n}": RemoteState.OPEN for n in range(2, 10)}
    remote["Task 1"] = RemoteState.DONE
    remote["Task 2"] = RemoteState.DONE
    report = progress(EXAMPLE, remote)
    first, second = report.phases[0], report.phases[1]
    assert (first.done, first.open_issues) == (2, 0)
    # Tasks 3 and 4 are unblocked by Task 2; Task 5 still waits for Task 3
    assert (second.blocked, second.open, second.open_issues) == (1, 2, 3)
    assert report.total.open_issues == 7


def test_counts_add_up_on_every_corpus_plan(shared: Path) -> None:
    for path in sorted((shared / "corpus" / "plans").glob("*.md")):
        plan = parse_plan(path.read_text(encoding="utf-8"), path.name)
        report = progress(plan)
        for phase in (*report.phases, report.total):
            parts = phase.done + phase.in_progress + phase.blocked + phase.open + phase.skipped
            assert parts == phase.total, (path.name, phase.title)
        assert sum(p.total for p in report.phases) == report.total.total


def test_a_corpus_plan_against_a_count_of_its_checkboxes(shared: Path) -> None:
    text = (shared / "corpus" / "plans" / "template-03-m26-partly-done.md").read_text("utf-8")
    ticked = len(re.findall(r"^\s*- \[x\]", text, re.MULTILINE))
    empty = len(re.findall(r"^\s*- \[ \]", text, re.MULTILINE))
    report = progress(parse_plan(text, "m26.md"))
    assert (report.total.done, report.total.total) == (ticked, ticked + empty) == (6, 19)
    assert [(p.done, p.total) for p in report.phases] == [
        (3, 3),
        (3, 3),
        (0, 5),
        (0, 3),
        (0, 3),
        (0, 2),
    ]


def test_terminal_text_has_a_bar_per_phase() -> None:
    text = render_text(progress(EXAMPLE), width=10)
    lines = text.splitlines()
    assert lines[0] == "plan.md: 1/9 tasks done (11%)  7 blocked, 1 open"
    assert len(lines) == 5
    assert "█████░░░░░" in lines[1] and "1/2" in lines[1] and "1 open" in lines[1]
    assert "░░░░░░░░░░" in lines[2] and "3 blocked" in lines[2]
    ascii_text = render_text(progress(EXAMPLE), width=10, ascii_only=True)
    assert "#####-----" in ascii_text and "█" not in ascii_text


def test_json_has_one_shape() -> None:
    data = as_json(progress(EXAMPLE))
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"plan", "total", "phases"}
    assert data["total"] == {
        "key": "",
        "title": "Total",
        "total": 9,
        "done": 1,
        "in_progress": 0,
        "blocked": 7,
        "open": 1,
        "skipped": 0,
        "open_issues": None,
        "percent": 11,
    }
    assert [p["key"] for p in data["phases"]] == ["Phase 1", "Phase 2", "Phase 3", "Phase 4"]  # type: ignore[index, union-attr]


def test_markdown_has_a_table_and_the_picture() -> None:
    text = render_markdown(EXAMPLE, progress(EXAMPLE))
    assert "| Phase 1: Foundation and Setup | 1/2 |" in text
    assert "| **Total** | 1/9 |" in text
    assert "Open issues" not in text
    assert "```mermaid\nflowchart TB\n" in text and text.count("```") == 2
    remote = {"Task 1": RemoteState.DONE}
    with_issues = render_markdown(EXAMPLE, progress(EXAMPLE, remote), remote)
    assert "Open issues |" in with_issues


def test_markdown_cells_neutralise_hostile_titles() -> None:
    assert cell("a | b <img src=x onerror=alert(1)> [x](javascript:1)\nnext") == (
        "a \\| b &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:1) next"
    )
    plan = parse_plan("## Phase 1: <b>|`x`|</b>\n- [ ] **Task 1: t**\n")
    table = render_markdown(plan, progress(plan)).split("```mermaid")[0]
    assert "<b>" not in table and "| Phase 1: &lt;b&gt;\\|\\`x\\`\\|&lt;/b&gt; |" in table
