"""Every real plan in the shared corpus parses, round-trips byte for byte, and loses no checkbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plansync.plan import apply_edits, parse_plan, validate
from plansync.plan.write import SetMarker
from tests.conftest import shared_dir

CORPUS = shared_dir() / "corpus" / "plans"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []

# An independent, deliberately simple oracle for "a checkbox line outside fenced code".
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BOX = re.compile(r"^\s*(?:#{1,6}\s+)?(?:[-*+]|\d+[.)])?\s*\[[ xX]\](?:\s|$)")


def oracle_checkbox_lines(text: str) -> set[int]:
    found: set[int] = set()
    fence: str | None = None
    comment = False
    for number, line in enumerate(text.split("\n"), 1):
        if fence:
            match = _FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if comment:  # a checkbox in an HTML comment is still a checkbox line
            comment = "-->" not in line
            if comment and _BOX.match(line):
                found.add(number)
            continue
        if match := _FENCE.match(line):
            fence = match.group(1)
        elif line.strip().startswith("<!--") and "-->" not in line.strip()[4:]:
            comment = True
        elif _BOX.match(line):
            found.add(number)
    return found


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def test_corpus_is_present_and_indexed(shared: Path) -> None:
    index = (CORPUS / "INDEX.tsv").read_text().splitlines()[1:]
    listed = {row.split("\t")[0] for row in index if row.strip()}
    assert listed == {path.name for path in FILES}
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_round_trip_is_byte_for_byte(path: Path) -> None:
    text = read(path)
    plan = parse_plan(text, str(path))
    assert apply_edits(plan, []) == text
    assert apply_edits(plan, []).encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_checkbox_line_is_one_item(path: Path) -> None:
    text = read(path)
    plan = parse_plan(text)
    lines = [item.line for item in plan.items]
    assert len(lines) == len(set(lines)), "an item line was read twice"
    missing = oracle_checkbox_lines(text) - set(lines)
    assert not missing, f"checkbox lines not read as items: {sorted(missing)[:10]}"
    source = text.split("\n")
    for item in plan.items:
        assert "[" in source[item.line - 1], f"line {item.line} is not a checkbox line"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ticking_every_box_changes_only_markers(path: Path) -> None:
    text = read(path)
    plan = parse_plan(text)
    unique = [i for i in plan.items if len(plan.find(i.key)) == 1]
    edited = apply_edits(plan, [SetMarker(i.key, "x" if i.marker == " " else " ") for i in unique])
    assert len(edited) == len(text)
    changed = {n for n, (a, b) in enumerate(zip(text, edited, strict=True)) if a != b}
    assert changed == {i.anchors.marker.start for i in unique if i.anchors}
    again = parse_plan(edited)
    assert [i.key for i in again.items] == [i.key for i in plan.items]
    validate(again)  # never raises, whatever the plan holds
