"""Splitting plan text into classified lines: headings, checkbox items, fences, prose.

Pure and line-based: every later step works on the records this module returns, and
each record keeps its exact offsets so that writing back can touch only its own bytes.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

MARKER_CHARS = " xX\\-~/>!?*.vV✓✔✗✘"

_CHECKBOX = re.compile(
    rf"^(?P<indent>[ \t]*)(?P<bullet>[-*+]|\d{{1,9}}[.)])(?P<gap>[ \t]+)"
    rf"\[(?P<marker>[{MARKER_CHARS}])\](?P<optional>\*?)(?=[ \t]|$)"
)
_HEADING_CHECKBOX = re.compile(
    rf"(?:[-*+][ \t]+)?\[(?P<marker>[{MARKER_CHARS}])\](?P<optional>\*?)(?=[ \t]|$)"
)
_ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?=[ \t]|$)[ \t]*(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?P<rule>=+|-+)[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}(?=[^`]*$)|~{3,})")
_LIST_START = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


class Kind(enum.Enum):
    BLANK = "blank"
    PROSE = "prose"
    HEADING = "heading"
    CHECKBOX = "checkbox"
    CODE = "code"  # a fence line, or a line inside a fenced block or an HTML comment


@dataclass(slots=True)  # not frozen: a scan builds tens of thousands, and frozen init is slow
class Line:
    number: int  # 1-based
    start: int  # offset of the first character
    content: str  # the line without its line ending
    newline: str  # "\n", "\r\n" or "" for a last line without one
    kind: Kind
    indent: int  # leading whitespace in columns (tabs to 4)
    level: int = 0  # heading level
    heading_text: str = ""
    text_start: int = 0  # checkbox: offset in `content` where the text after "[ ]" starts
    marker_col: int = 0  # checkbox: offset in `content` of the marker character
    marker: str = ""
    optional: bool = False
    content_indent: int = 0  # checkbox: column where a list item's content starts
    setext: bool = False  # heading written as a line underlined with === or ---
    opens_code: bool = False  # the first line of a fenced block or a multi-line HTML comment
    commented: bool = False  # a checkbox inside a multi-line HTML comment

    @property
    def end(self) -> int:
        return self.start + len(self.content) + len(self.newline)

    @property
    def is_checkbox(self) -> bool:
        return self.kind is Kind.CHECKBOX


def indent_width(text: str) -> int:
    """Columns of leading whitespace, tabs to the next multiple of 4 (no loop in Python:
    a deeply nested list has long indents)."""
    lead = text[: len(text) - len(text.lstrip(" \t"))]
    return len(lead.expandtabs(4)) if "\t" in lead else len(lead)


def _split(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield (offset, content, newline) for each line, keeping every byte."""
    offset = 0
    length = len(text)
    while offset < length:
        cut = text.find("\n", offset)
        if cut == -1:
            yield offset, text[offset:], ""
            return
        end = cut - 1 if cut > offset and text[cut - 1] == "\r" else cut
        yield offset, text[offset:end], text[end : cut + 1]
        offset = cut + 1


def scan(text: str) -> list[Line]:
    """Classify every line of `text`; with a leading byte order mark, its contents and
    newlines rebuild the text exactly."""
    lines: list[Line] = []
    fence: str | None = None  # the opening fence while inside a fenced block
    in_comment = False
    for number, (start, content, newline) in enumerate(_split(text), 1):
        if number == 1 and content.startswith("\ufeff"):  # a byte order mark is not content
            start, content = start + 1, content[1:]
        line = Line(number, start, content, newline, Kind.CODE, indent_width(content))
        lines.append(line)
        if fence is not None:
            if _closes(fence, content):
                fence = None
        elif in_comment:
            in_comment = "-->" not in content
            if in_comment and _CHECKBOX.match(content):  # a commented-out task: kept, marked
                _classify(line, None)
                line.commented = True
        elif opening := _FENCE.match(content):
            fence = opening["fence"]
            line.opens_code = True
        elif content.lstrip().startswith("<!--") and "-->" not in content.lstrip()[4:]:
            in_comment = line.opens_code = True
        else:
            _classify(line, _setext_candidate(lines))
            if line.setext:  # the underline turns the line above into a heading
                _make_setext_heading(lines[-2], line)
    return lines


def _closes(fence: str, content: str) -> bool:
    """A closing fence: the same character, at least as many, and nothing else."""
    closing = _FENCE.match(content)
    return (
        closing is not None
        and closing["fence"][0] == fence[0]
        and len(closing["fence"]) >= len(fence)
        and not content.strip().strip(fence[0])
    )


def _setext_candidate(lines: list[Line]) -> Line | None:
    """The line above the last, if an underline as the last would make it a heading.

    Only a one-line paragraph that starts at the margin and follows a blank line, a
    heading or the start of the file: under a list item, `---` is a thematic break.
    """
    if len(lines) < 2:
        return None
    text = lines[-2]
    if text.kind is not Kind.PROSE or text.indent > 0 or _LIST_START.match(text.content):
        return None
    if len(lines) > 2 and lines[-3].kind not in (Kind.BLANK, Kind.HEADING):
        return None
    return text


def _classify(line: Line, setext_text: Line | None) -> None:
    """Set the kind (and the details of that kind) of a line outside code."""
    content = line.content
    first = content.lstrip()[:1]
    line.kind = Kind.PROSE
    if not first:
        line.kind = Kind.BLANK
    elif first == "#" and (atx := _ATX.match(content)):
        _heading(line, len(atx["hashes"]), atx["text"], content.index(atx["text"]))
    elif (first in "-*+" or first.isdigit()) and (checkbox := _CHECKBOX.match(content)):
        prefix = checkbox["indent"] + checkbox["bullet"] + checkbox["gap"]
        line.kind = Kind.CHECKBOX
        line.text_start = checkbox.end()
        line.marker_col = checkbox.start("marker")
        line.marker = checkbox["marker"]
        line.optional = bool(checkbox["optional"])
        line.content_indent = len(prefix.expandtabs(4))
    elif first in "=-" and setext_text is not None and _SETEXT.match(content):
        line.setext = True


def _heading(line: Line, level: int, text: str, at: int) -> None:
    """A heading, or a task written as a heading (`### - [ ] Fix the build`)."""
    line.level = level
    task = _HEADING_CHECKBOX.match(text)
    if not task:
        line.kind = Kind.HEADING
        line.heading_text = text
        return
    line.kind = Kind.CHECKBOX
    line.indent = -1  # above every list item: only the next heading ends its block
    line.text_start = at + task.end()
    line.marker_col = at + task.start("marker")
    line.marker = task["marker"]
    line.optional = bool(task["optional"])


def _make_setext_heading(text: Line, underline: Line) -> None:
    text.kind = Kind.HEADING
    text.level = 1 if underline.content.strip().startswith("=") else 2
    text.heading_text = text.content.strip()
