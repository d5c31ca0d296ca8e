"""Property: any title and description pulled into any task of any corpus plan changes that
task's values and nothing else, and reads back equal to what was pulled (the next run
sees no change). The rule of issue 9: a pull changes values, never structure."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plansync.plan import parse_plan
from plansync.plan.escape import sanitize_title
from plansync.plan.write import Rename, SetDescription, apply_edits, writable
from tests.plan.pulling import assert_only_values_changed, converged, pull
from tests.plan.test_corpus import FILES, read

HOSTILE = st.sampled_from(
    [
        "```", "~~~", "````", "<!--", "-->", "- [ ] x", "* [x] y", "1. [ ] z", "2) [ ] w",
        "## Phase 9", "# T", "### - [ ] heading task", "===", "---", "-", "    ",
        "_Dependencies: Task 4_", "**Requirements**: 1.1", "Depends on: Task 4",
        "*Effort: 2h*", " (#3)", " ([#3](https://h/o/r/issues/3))", " (a/b#3)", "A** B",
        "**", "__", "`", "\\", "\\*", "Task 3: ", "T001 ", "1.2 ", "3 ", "[P] ", "Risk: ",
        " ###", ":", "&#84;", "\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\r", "\r\n",
        "\n", "\n\n", "\x00", "\x1b", "\x7f", "\t", "\ufeff", "\ud800", "数据", "🚀",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=6)), max_size=10).map("".join)
EXAMPLES = 12  # per plan: 38 plans x 12 examples keep the file within seconds


def editable_keys(text: str) -> list[str]:
    plan = parse_plan(text)
    return [i.key for i in plan.items if not i.commented and len(plan.find(i.key)) == 1]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_any_pull_into_any_corpus_task_changes_only_its_values(path: Path) -> None:
    text = read(path)
    keys = editable_keys(text)
    if not keys:
        pytest.skip("no task to edit")

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(keys), TEXT, TEXT)
    def check(key: str, title: str, description: str) -> None:
        plan = parse_plan(text)
        edits = [Rename(key, title), SetDescription(key, description)]
        good, bad = writable(plan, edits)  # the writer alone, before any safety net
        blank = not sanitize_title(title)
        assert [edit for edit, _ in bad] == ([edits[0]] if blank else [])
        written = parse_plan(apply_edits(plan, good))
        shifted = assert_only_values_changed(plan, written, key, shift=True)
        pulled = pull(text, key, None if blank else title, description)
        # the safety net refuses a rename only when it would move another task's slug key
        assert [r.edit for r in pulled.refused] == ([edits[0]] if shifted else [])
        assert converged(pulled, key, None if blank or shifted else title, description)

    check()


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_pulls_into_every_kind_of_task_line(title: str, description: str) -> None:
    """Many examples on one small plan with every task style the parser knows."""
    text = (
        "# Plan\n\n## Phase 1: Setup\n\n"
        "- [ ] **Task 1: Bold title** (#1)\n  - words\n  - _Effort: 2h_\n"
        "- [x] **Task 2** — Config: parser\n"
        "- [ ] **Task 3: Short.** Longer text\n"
        "- [ ] 4.1 Kiro style\n"
        "- [ ] T005 [P] [US1] Spec-kit style\n"
        "- [ ] Generic title\n"
        "  - [ ] Nested generic\n"
        "\tdescribed with a tab\n"
        "### - [ ] Heading task\nbody\n"
    )
    plan = parse_plan(text)
    for key in editable_keys(text):
        edits = [Rename(key, title), SetDescription(key, description)]
        good, bad = writable(plan, edits)
        blank = not sanitize_title(title)
        assert len(bad) == int(blank)
        written = parse_plan(apply_edits(plan, good))
        shifted = assert_only_values_changed(plan, written, key, shift=True)
        pulled = pull(text, key, None if blank else title, description)
        assert len(pulled.refused) == int(shifted)
        assert converged(pulled, key, None if blank or shifted else title, description)
