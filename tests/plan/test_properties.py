"""Property tests: parse -> write is the identity, and each edit changes only its own bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.plan import Plan, apply_edits, parse_plan
from plansync.plan.write import Rename, SetDescription, SetIssueRef, SetMarker

WORD = st.sampled_from(
    [
        "setup",
        "API",
        "docs",
        "tests",
        "`code`",
        "[link](https://x.y/z)",
        "🚀",
        "naïve",
        "数据",
        "a|b",
    ]
)
SAFE_WORD = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)
TITLE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
SAFE_TITLE = st.lists(SAFE_WORD, min_size=1, max_size=4).map(" ".join).map(str.capitalize)
INDENT = st.sampled_from(["", "  ", "    ", "\t"])
BULLET = st.sampled_from(["-", "*", "+", "1.", "2)"])
MARKER = st.sampled_from([" ", "x", "X", "-", "~", "/"])
TRAIL = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def item_lines(draw: st.DrawFn, number: int) -> list[str]:
    key = draw(
        st.sampled_from(
            ["", f"**Task {number}: ", f"{number}. ", f"{number}.1 ", f"T{number:03d} [P] "]
        )
    )
    title = draw(TITLE)
    head = f"{key}{title}**" if key.startswith("**") else f"{key}{title}"
    ref = draw(st.sampled_from(["", " (#12)", " ([#3](https://h/o/r/issues/3))"]))
    indent = draw(INDENT)
    line = f"{indent}{draw(BULLET)} [{draw(MARKER)}] {head}{ref}{draw(TRAIL)}"
    lines = [line]
    for _ in range(draw(st.integers(0, 3))):
        sub = draw(
            st.sampled_from(
                ["- {}", "{}", "_Requirements: 1.{} | Effort: 2 hours_", "- **Owner**: {}"]
            )
        )
        lines.append(indent + "  " + sub.format(draw(SAFE_WORD)) + draw(TRAIL))
    return lines


@st.composite
def plans(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for number in range(1, draw(st.integers(1, 8)) + 1):
        block = draw(
            st.sampled_from(["item", "item", "item", "heading", "prose", "blank", "fence"])
        )
        if block == "item":
            lines.extend(draw(item_lines(number)))
        elif block == "heading":
            lines.append("#" * draw(st.integers(1, 4)) + " " + draw(TITLE))
        elif block == "prose":
            lines.append(draw(TITLE) + draw(TRAIL))
        elif block == "blank":
            lines.append(draw(st.sampled_from(["", "   "])))
        else:
            lines.extend(["```", "- [ ] not a task", "```"])
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))


def editable(plan: Plan) -> list[str]:
    return [item.key for item in plan.items if len(plan.find(item.key)) == 1]


def unchanged_outside(before: str, after: str, start: int, end: int, new: str) -> bool:
    return after == before[:start] + new + before[end:]


@settings(max_examples=300, deadline=None)
@given(plans())
def test_writing_without_edits_is_the_identity(text: str) -> None:
    assert apply_edits(parse_plan(text), []) == text


@settings(deadline=None)
@given(plans(), st.data())
def test_set_marker_changes_one_character(text: str, data: st.DataObject) -> None:
    plan = parse_plan(text)
    keys = editable(plan)
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    marker = data.draw(MARKER)
    item = plan.item(key)
    assert item.anchors is not None
    after = apply_edits(plan, [SetMarker(key, marker)])
    span = item.anchors.marker
    assert unchanged_outside(text, after, span.start, span.end, marker)
    again = parse_plan(after)
    assert again.item(key).marker == marker
    assert [(i.key, i.title, i.line) for i in again.items] == [
        (i.key, i.title, i.line) for i in plan.items
    ]


@settings(deadline=None)
@given(plans(), st.data())
def test_rename_changes_only_the_title(text: str, data: st.DataObject) -> None:
    plan = parse_plan(text)
    keys = [k for k in editable(plan) if plan.item(k).title]
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    title = data.draw(SAFE_TITLE)
    item = plan.item(key)
    assert item.anchors is not None
    after = apply_edits(plan, [Rename(key, title)])
    assert unchanged_outside(text, after, item.anchors.title.start, item.anchors.title.end, title)
    renamed = next(i for i in parse_plan(after).items if i.line == item.line)
    assert (renamed.title, renamed.marker, renamed.issue_ref) == (
        title,
        item.marker,
        item.issue_ref,
    )


@settings(deadline=None)
@given(plans(), st.data())
def test_issue_ref_is_appended_or_replaced_in_place(text: str, data: st.DataObject) -> None:
    plan = parse_plan(text)
    keys = editable(plan)
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    number = data.draw(st.integers(1, 99999))
    item = plan.item(key)
    assert item.anchors is not None
    after = apply_edits(plan, [SetIssueRef(key, f"#{number}")])
    if item.anchors.ref is None:
        at = item.anchors.ref_insert
        assert unchanged_outside(text, after, at, at, f" (#{number})")
    else:
        span = item.anchors.ref
        assert unchanged_outside(text, after, span.start, span.end, f"#{number}")
    linked = next(i for i in parse_plan(after).items if i.line == item.line)
    assert (linked.issue_ref, linked.title, linked.key) == (f"#{number}", item.title, item.key)


@settings(deadline=None)
@given(plans(), st.data())
def test_set_description_changes_only_the_description(text: str, data: st.DataObject) -> None:
    plan = parse_plan(text)
    keys = editable(plan)
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    item = plan.item(key)
    assert item.anchors is not None
    lines = data.draw(
        st.lists(
            st.sampled_from(
                ["- step one", "plain words", "- `cmd --flag`", "## Notes from the issue"]
            ),
            max_size=4,
        )
    )
    after = apply_edits(plan, [SetDescription(key, "\n".join(lines))])
    span = item.anchors.description
    assert after.startswith(text[: span.start])
    assert after.endswith(text[span.end :])
    again = parse_plan(after)
    edited = next(i for i in again.items if i.line == item.line)
    assert edited.description == "\n".join(lines)
    assert dict(edited.fields) == dict(item.fields)
    assert [(i.key, i.title) for i in again.items] == [(i.key, i.title) for i in plan.items]
