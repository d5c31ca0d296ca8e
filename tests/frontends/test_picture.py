"""The Mermaid picture: structure, colours, collapse and cap, hostile titles, determinism."""

from __future__ import annotations

import html
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.engine.records import RemoteState
from plansync.picture import NodeState, PictureOptions, escape, node_states, render
from plansync.plan import parse_plan
from tests.conftest import ROOT

EXAMPLE = parse_plan((ROOT / "examples" / "plan.md").read_text(encoding="utf-8"), "plan.md")

# Every line the picture may contain. A title that escaped its quotes would add a line
# (or text) that none of these match.
LABEL = r'"[\w .,\-()\'/!?+=…#;]*"'
LINE_SHAPES = [
    r"flowchart TB",
    rf"  subgraph p\d+\[{LABEL}\]",
    rf"    t\d+\[{LABEL}\]",
    rf"  p\d+\(\[{LABEL}\]\)",
    rf"  more\[{LABEL}\]",
    r"  end",
    r"  [tp]\d+ --> t\d+",
    r"  classDef (done|in_progress|blocked|open|skipped|note) [a-z:#0-9,\- ]+",
    r"  class [tp\d,more]+ (done|in_progress|blocked|open|skipped|note)",
]
SHAPE = re.compile("|".join(f"(?:{shape})" for shape in LINE_SHAPES))


def decode(label: str) -> str:
    """What Mermaid shows for a label: its `#NNN;` entities decoded."""
    return html.unescape(re.sub(r"#(\d+);", r"&#\1;", label))


def labels(picture: str) -> list[str]:
    return [decode(match) for match in re.findall(r'\["(.*?)"\]', picture)]


def classes(picture: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for nodes, name in re.findall(r"^  class (\S+) (\S+)$", picture, re.MULTILINE):
        found.update(dict.fromkeys(nodes.split(","), name))
    return found


def assert_well_formed(picture: str) -> None:
    lines = picture.rstrip("\n").split("\n")
    for line in lines:
        assert SHAPE.fullmatch(line), f"unexpected line: {line!r}"
    assert lines.count("  end") == sum(1 for line in lines if "subgraph" in line)


def test_the_example_plan_has_phases_nodes_edges_and_colours() -> None:
    picture = render(EXAMPLE)
    assert_well_formed(picture)
    assert picture.count("subgraph") == 4
    shown = labels(picture)
    assert "Phase 1: Foundation and Setup — 1/2" in shown
    assert "Phase 2: Backend Implementation — 0/3" in shown
    assert "Task 1: Invitation Data Model" in shown
    state = classes(picture)
    assert state["t1"] == "done" and state["t2"] == "open" and state["t3"] == "blocked"
    # Task 8 depends on Tasks 6 and 7: both arrows point at it
    assert "  t6 --> t8" in picture and "  t7 --> t8" in picture
    assert picture.count("-->") == 9


def test_states_in_progress_skipped_and_blocked() -> None:
    plan = parse_plan(
        "## Phase 1: A\n- [-] **Task 1: Doing**\n- [~] **Task 2: Dropped**\n"
        "- [ ] **Task 3: After the dropped one**\n  - _Dependencies: Task 2_\n"
        "- [ ] **Task 4: After the one in progress**\n  - _Dependencies: Task 1_\n"
    )
    states = node_states(plan)
    assert states == {
        "Task 1": NodeState.IN_PROGRESS,
        "Task 2": NodeState.SKIPPED,
        "Task 3": NodeState.OPEN,  # a skipped dependency does not block
        "Task 4": NodeState.BLOCKED,
    }
    assert classes(render(plan)) == {
        "t1": "in_progress",
        "t2": "skipped",
        "t3": "open",
        "t4": "blocked",
    }


def test_an_issue_closed_on_the_service_counts_as_done_and_unblocks() -> None:
    remote = {"Task 2": RemoteState.DONE, "Task 3": RemoteState.OPEN}
    states = node_states(EXAMPLE, remote)
    assert states["Task 2"] is NodeState.DONE
    assert states["Task 3"] is NodeState.OPEN and states["Task 4"] is NodeState.OPEN
    assert node_states(EXAMPLE, {"Task 2": RemoteState.SKIPPED})["Task 2"] is NodeState.SKIPPED


def big_plan(phases: int, tasks: int, done_phases: int = 0) -> str:
    lines = ["# Big"]
    number = 0
    for phase in range(1, phases + 1):
        lines.append(f"\n## Phase {phase}: Part {phase}\n")
        for _ in range(tasks):
            number += 1
            mark = "x" if phase <= done_phases else " "
            lines.append(f"- [{mark}] **Task {number}: Work {number}**")
            if number > 1:
                lines.append(f"  - _Dependencies: Task {number - 1}_")
    return "\n".join(lines) + "\n"


def test_done_phases_collapse_to_one_node_and_edges_leave_from_it() -> None:
    plan = parse_plan(big_plan(3, 4, done_phases=1))
    picture = render(plan)
    assert_well_formed(picture)
    assert '  p1(["Phase 1#58; Part 1 #8212; 4/4"])' in picture
    assert "Task 1: Work 1" not in labels(picture)
    assert "  p1 --> t1" in picture  # Task 5 (the first shown) depends on Task 4, in phase 1
    assert classes(picture)["p1"] == "done"
    full = render(plan, options=PictureOptions(collapse_done=False))
    assert "Task 1: Work 1" in labels(full) and "p1([" not in full


def test_the_cap_limits_nodes_and_says_what_was_left_out() -> None:
    plan = parse_plan(big_plan(10, 20))
    picture = render(plan, options=PictureOptions(max_nodes=60))
    assert_well_formed(picture)
    assert len(re.findall(r"^    t\d+\[", picture, re.MULTILINE)) == 60
    assert "… 140 more tasks in 7 phases" in labels(picture)
    assert picture.count("subgraph") == 3
    assert classes(picture)["more"] == "note"
    assert picture.count("-->") == 59  # no edge to a task left out


def test_the_cap_splits_a_phase_and_counts_it() -> None:
    plan = parse_plan(big_plan(2, 5))
    picture = render(plan, options=PictureOptions(max_nodes=7))
    assert "… 3 more tasks in 1 phase" in labels(picture)
    assert "Part 2 — 0/5" in " ".join(labels(picture))  # the title still counts all five


HOSTILE = [
    'a"]; click t1 call alert(1) %%',
    "`code` <script>alert(1)</script> & #quot; style t1 fill:#f00;",
    "x]-->y{z} | $$\\frac{a}{b}$$ @{ shape: rect } ::: classDef evil fill:red",
    "end",
    "%%{init: {'theme': 'dark'}}%%",
    "😀 emoji ✓ and ünïcödé \u202e\u200b",
]


def test_hostile_titles_stay_inside_their_labels() -> None:
    body = "\n".join(f"- [ ] **Task {n}: {title}**" for n, title in enumerate(HOSTILE, 1))
    plan = parse_plan(f"## Phase 1: {HOSTILE[0]}\n\n{body}\n")
    picture = render(plan)
    assert_well_formed(picture)
    shown = labels(picture)
    assert shown[0].startswith('Phase 1: a"]; click t1 call alert(1) %%')
    for number, title in enumerate(HOSTILE, 1):
        expected = " ".join(f"Task {number}: {title}".split())
        assert any(expected.startswith(label.rstrip("…")) for label in shown), title
    assert "click" not in picture.replace("click t1 call", "")  # only inside a label
    assert "<" not in picture and "`" not in picture and "%%" not in picture


@settings(deadline=None, max_examples=200)
@given(st.text(min_size=1, max_size=80))
def test_any_text_escapes_to_a_safe_label_that_decodes_back(text: str) -> None:
    label = escape(text, limit=1000)
    assert re.fullmatch(r"[\w .,\-()'/!?+=#;]*", label)
    assert "\n" not in label and '"' not in label
    visible = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c.isspace())
    assert decode(label) == " ".join(visible.split())


def test_escape_cuts_long_titles() -> None:
    assert escape("word " * 40, limit=20).endswith("#8230;")
    assert len(decode(escape("word " * 40, limit=20))) == 20


def test_output_is_deterministic() -> None:
    text = big_plan(6, 15, done_phases=2)
    first = render(parse_plan(text), options=PictureOptions(max_nodes=30))
    for _ in range(3):
        assert render(parse_plan(text), options=PictureOptions(max_nodes=30)) == first


def test_a_plan_without_tasks_is_an_empty_flowchart() -> None:
    picture = render(parse_plan("# Nothing here\n\nJust prose.\n"))
    assert_well_formed(picture)
    assert "subgraph" not in picture and "class " not in picture.replace("classDef", "")


def test_collapsed_phases_count_against_the_cap_too() -> None:
    text = big_plan(10, 5)
    lines = text.splitlines()
    # tick every task from phase 3 on (tasks 11..50)
    ticked = [
        line.replace("- [ ]", "- [x]")
        if (m := re.match(r"- \[ \] \*\*Task (\d+):", line)) and int(m[1]) > 10
        else line
        for line in lines
    ]
    picture = render(parse_plan("\n".join(ticked) + "\n"), options=PictureOptions(max_nodes=12))
    assert_well_formed(picture)
    assert len(re.findall(r"^  p\d+\(\[", picture, re.MULTILINE)) == 2  # phases 3 and 4
    assert "… 30 more tasks in 6 phases" in labels(picture)
