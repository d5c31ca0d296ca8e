"""Plan + edits -> new text, changing only the bytes each edit is about (pure).

Writing a plan with no edits returns its text unchanged, byte for byte. Each edit
replaces one anchored span of the original text (see `model.Anchors`), so line
endings, indentation, emphasis and everything around an item stay as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from plansync.errors import PlanEditError
from plansync.plan.escape import description_lines, title_text
from plansync.plan.fields import ISSUE_REF
from plansync.plan.model import Item, Plan, Span
from plansync.plan.parse import LineReading, read_line
from plansync.plan.scan import MARKER_CHARS, indent_width, scan


@dataclass(frozen=True)
class SetMarker:
    """Tick, untick or otherwise re-mark a checkbox (`marker` is one character)."""

    key: str
    marker: str


@dataclass(frozen=True)
class Rename:
    """Replace an item's title; any text is escaped so that only the title changes."""

    key: str
    title: str


@dataclass(frozen=True)
class SetIssueRef:
    """Append or replace the issue reference at the end of an item's line.

    `ref` is what goes inside the parentheses ("#42", "[#42](https://...)"); None removes it.
    """

    key: str
    ref: str | None


@dataclass(frozen=True)
class SetDescription:
    """Replace an item's own description lines; its metadata lines are kept after them.

    Lines that would read as structure (checkboxes, headings, fences, comments, metadata)
    are escaped: the text can change the description only.
    """

    key: str
    text: str


@dataclass(frozen=True)
class AddItem:
    """Append a new checkbox line at the end of a section (None: the end of the file).

    The title is escaped so that it never reads as a key ("Task 3: ..." gets a slug key).
    """

    section: str | None
    title: str
    marker: str = " "
    ref: str | None = None


Edit = SetMarker | Rename | SetIssueRef | SetDescription | AddItem


@dataclass(frozen=True)
class _Replacement:
    span: Span
    text: str


@dataclass(frozen=True)
class Prepared:
    """An edit with the text it writes and where: computed once, spliced any number of times."""

    edit: Edit
    span: Span
    text: str


def prepare(plan: Plan, edits: Iterable[Edit]) -> tuple[list[Prepared], list[tuple[Edit, str]]]:
    """Split `edits` into those that can be written together and (edit, why not) for the
    rest: an edit that names no single item, a value that cannot be written, or an edit
    of a part of the plan that an earlier edit already changes."""
    good: list[Prepared] = []
    bad: list[tuple[Edit, str]] = []
    for edit in edits:
        try:
            replacement = _replacement(plan, edit)
        except PlanEditError as error:
            bad.append((edit, str(error)))
            continue
        if any(_overlap(replacement.span, other.span) for other in good):
            bad.append((edit, "another edit changes the same part of the plan"))
        else:
            good.append(Prepared(edit, replacement.span, replacement.text))
    return good, bad


def writable(plan: Plan, edits: Iterable[Edit]) -> tuple[list[Edit], list[tuple[Edit, str]]]:
    """`prepare`, for callers that want the edits themselves."""
    good, bad = prepare(plan, edits)
    return [p.edit for p in good], bad


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def apply_edits(plan: Plan, edits: Iterable[Edit]) -> str:
    """Return the plan's text with `edits` applied. Raises PlanEditError on a bad edit."""
    prepared = [
        Prepared(edit, r.span, r.text) for edit in edits for r in [_replacement(plan, edit)]
    ]
    ordered = sorted(prepared, key=lambda p: (p.span.start, p.span.end))
    for before, after in itertools.pairwise(ordered):
        if after.span.start < before.span.end:
            raise PlanEditError("two edits change the same part of the plan")
    return splice(plan.text, ordered)


def splice(text: str, prepared: Iterable[Prepared]) -> str:
    """`text` with each prepared edit's span replaced (the spans must not overlap)."""
    pieces: list[str] = []
    cursor = 0
    for replacement in sorted(prepared, key=lambda p: (p.span.start, p.span.end)):
        pieces.append(text[cursor : replacement.span.start])
        pieces.append(replacement.text)
        cursor = replacement.span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _is_marker(marker: str) -> bool:
    """One character the scanner reads back as a checkbox marker (never a NUL or a "]")."""
    return len(marker) == 1 and marker in MARKER_CHARS and marker != "\\"


def _target(plan: Plan, key: str) -> Item:
    found = plan.find(key)
    if len(found) != 1:
        problem = "no item" if not found else f"{len(found)} items"
        raise PlanEditError(f"cannot edit {key!r}: the plan has {problem} with that key")
    return found[0]


def _replacement(plan: Plan, edit: Edit) -> _Replacement:
    if isinstance(edit, AddItem):
        return _add_item(plan, edit)
    item = _target(plan, edit.key)
    anchors = item.anchors
    assert anchors is not None, "items from parse_plan always carry anchors"
    if isinstance(edit, SetMarker):
        if not _is_marker(edit.marker):
            raise PlanEditError(f"{edit.marker!r} is not a checkbox marker")
        return _Replacement(anchors.marker, edit.marker)
    if isinstance(edit, Rename):
        return _rename(plan, item, edit.title)
    if isinstance(edit, SetIssueRef):
        return _issue_ref(plan, item, edit.ref)
    return _description(plan, item, edit.text)


def _issue_ref(plan: Plan, item: Item, ref: str | None) -> _Replacement:
    anchors = item.anchors
    assert anchors is not None
    if ref is not None and not ISSUE_REF.fullmatch(f" ({ref})"):  # must read back as a ref
        raise PlanEditError(f"{item.key}: {ref!r} cannot be written as an issue reference")
    if anchors.ref is None:
        if ref is None:
            return _Replacement(Span(anchors.ref_insert, anchors.ref_insert), "")
        return _Replacement(Span(anchors.ref_insert, anchors.ref_insert), f" ({ref})")
    if ref is None:  # remove " (#42)" with the space before it
        line_start = plan.text.rfind("\n", 0, anchors.ref.start) + 1
        head = plan.text[line_start : anchors.ref.start - 1].rstrip(" \t")
        return _Replacement(Span(line_start + len(head), anchors.ref.end + 1), "")
    return _Replacement(anchors.ref, ref)


def _description(plan: Plan, item: Item, text: str) -> _Replacement:
    anchors = item.anchors
    assert anchors is not None
    newline = anchors.newline or _dominant_newline(plan.text)
    indent, at_margin = _description_indent(plan, item)
    lines = description_lines(text, indent, at_margin)
    if lines is None:
        raise PlanEditError(f"{item.key}: the description cannot be written as plain text")
    body = [indent + line if line else "" for line in lines]
    kept = [plan.text[span.start : span.end] for span in anchors.meta_lines]
    kept = [line if line.endswith("\n") else line + newline for line in kept]
    new = "".join(line + newline for line in body) + "".join(kept)
    span = anchors.description
    if span.start == span.end and not anchors.newline and new:
        new = newline + new  # the item is the file's last line, with no line ending
    if span.end == len(plan.text) and not plan.text.endswith(("\n", "\r")) and new:
        new = new[: -len(newline)]  # keep a missing final newline missing
    return _Replacement(span, new)


def _description_indent(plan: Plan, item: Item) -> tuple[str, bool]:
    """The indent for description lines, and whether the item is a heading task.

    Lines indented no deeper than the item's bullet would end its block (a description
    that mixed tabs and spaces has no common indent): those get the bullet's content column.
    """
    anchors = item.anchors
    assert anchors is not None
    line_start = plan.text.rfind("\n", 0, anchors.marker.start) + 1
    line = scan(plan.text[line_start : anchors.line_end].rstrip("\r\n"))[0]
    indent = anchors.description_indent
    if line.indent >= 0 and indent_width(indent) <= line.indent:
        indent = " " * line.content_indent
    return indent, line.indent < 0


def _dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _rename(plan: Plan, item: Item, title: str) -> _Replacement:
    """The new title, escaped so that the line keeps its key, tags, fields and reference."""
    anchors = item.anchors
    assert anchors is not None
    line_start = plan.text.rfind("\n", 0, anchors.title.start) + 1
    head = plan.text[line_start : anchors.title.start]
    tail = plan.text[anchors.title.end : anchors.line_end - len(anchors.newline)]
    old = _reading(head + plan.text[anchors.title.start : anchors.title.end] + tail)
    after_box = plan.text[anchors.marker.end + 1 : anchors.title.start]
    bold = next((b for b in ("**", "__") if after_box.count(b) % 2), "")

    def accepts(candidate: str) -> bool:
        new = _reading(head + candidate + tail)
        return (
            old is not None
            and new is not None
            and new.title == candidate
            and _same_line(old, new)
            and new.title.lower().startswith("risk:") == old.title.lower().startswith("risk:")
        )

    text = title_text(title, bold, accepts)
    if text is None:
        raise PlanEditError(f"{item.key}: {title!r} cannot be written as this task's title")
    return _Replacement(anchors.title, text)


def _reading(content: str) -> LineReading | None:
    lines = scan(content)
    return read_line(lines[0]) if len(lines) == 1 and lines[0].is_checkbox else None


def _same_line(old: LineReading, new: LineReading) -> bool:
    """Everything but the title reads the same: key, tags, inline fields, reference."""
    return (old.parts.key, old.parts.tags, old.parts.fields) == (
        new.parts.key,
        new.parts.tags,
        new.parts.fields,
    ) and (old.ref and old.ref["ref"]) == (new.ref and new.ref["ref"])


def _add_item(plan: Plan, edit: AddItem) -> _Replacement:
    if not _is_marker(edit.marker):
        raise PlanEditError(f"cannot add an item with the marker {edit.marker!r}")
    ref = f" ({edit.ref})" if edit.ref else ""

    def accepts(candidate: str) -> bool:
        new = _reading(f"- [{edit.marker}] {candidate}{ref}")
        found = new.ref["ref"] if new and new.ref else None
        return (
            new is not None and new.title == candidate and not new.parts.key and found == edit.ref
        )

    title = title_text(edit.title, "", accepts)  # imports get a key of their own (a slug)
    if title is None:
        raise PlanEditError(f"cannot add an item titled {edit.title!r}")
    newline = _dominant_newline(plan.text)
    at = _section_end(plan, edit.section)
    before = plan.text[:at]
    lead = "" if not before or before.endswith(("\n", "\r")) else newline
    last_line = before.rstrip("\r\n").rsplit("\n", 1)[-1]
    if last_line.strip() and not last_line.lstrip().startswith(("- [", "* [", "+ [")):
        lead += newline  # a list right after a paragraph needs a blank line
    tail = newline if at < len(plan.text) or plan.text.endswith("\n") else ""
    return _Replacement(Span(at, at), f"{lead}- [{edit.marker}] {title}{ref}{tail}")


def _section_end(plan: Plan, key: str | None) -> int:
    """Offset just past the last non-blank line of a section and its subsections."""
    sections = list(plan.sections)
    found = next((i for i, s in enumerate(sections) if s.key == key), None)
    if found is None:
        end_line = len(plan.text.split("\n")) + 1
    else:
        level = sections[found].level
        later = (s.line for s in sections[found + 1 :] if s.level <= level)
        end_line = next(later, len(plan.text.split("\n")) + 1)
    lines = plan.text.split("\n")
    last = end_line - 2  # index of the line before the next heading
    while last > 0 and not lines[last].strip():
        last -= 1
    if last < 0 or (found is not None and last + 1 < sections[found].line):
        last = sections[found].line - 1 if found is not None else len(lines) - 1
    offset = sum(len(line) + 1 for line in lines[: last + 1])
    return min(offset, len(plan.text))
