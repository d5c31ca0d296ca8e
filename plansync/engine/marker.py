"""The managed part of an issue body and the hidden marker that identifies it (pure).

An issue body plansync manages looks like this; text a person writes before `begin`
or after `end` is theirs and is never changed:

    <!-- plansync:begin -->
    the task's description (synced both ways)
    <!-- plansync:details -->
    requirements, effort, dependencies (written from the plan only)
    <!-- plansync:end -->
    <!-- plansync {"v": 1, "plan": "docs/plan.md", "key": "Task 4", "base": {...}} -->

The marker's `base` holds what both sides agreed on at the last sync (hashes of the
title and description, the state, the relations): the base of the three-way merge,
kept in the issue itself so that it cannot drift from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from plansync.engine.merge import Merged
from plansync.plan import escape

BEGIN = "<!-- plansync:begin -->"
DETAILS = "<!-- plansync:details -->"
END = "<!-- plansync:end -->"
_OPEN = "<!-- plansync {"
_CLOSE = "} -->"
MAX_MARKER = 32_768  # characters; a larger "marker" is not one plansync wrote (ignored)
VERSION = 1


def canonical(text: str) -> str:
    """The form in which the two sides' text is compared (see plan/escape.py): sanitized,
    trailing spaces, outer blank lines and common indentation dropped, and the escapes
    the plan writer adds (a backslash before punctuation, numeric character references)
    removed. A pulled value written into the plan reads back equal to it in this form."""
    return escape.canonical(text)


def canonical_title(text: str) -> str:
    """`canonical` for a title: line breaks count as spaces (the plan holds one line)."""
    return escape.canonical_title(text)


def digest(text: str) -> str:
    """A short, stable hash of text as both sides would show it (its canonical form)."""
    return hashlib.sha256(canonical(text).encode("utf-8")).hexdigest()[:16]


def title_digest(text: str) -> str:
    """`digest` for titles: the merge's fingerprint for a title field."""
    return hashlib.sha256(canonical_title(text).encode("utf-8")).hexdigest()[:16]


def same(a: str, b: str) -> bool:
    """The two texts read the same once canonical (e.g. a body with the plan's escapes)."""
    return canonical(a) == canonical(b)


def normalize(text: str) -> str:
    """Text compared across the two sides: newlines unified, outer blank lines and
    trailing spaces dropped (services and editors change those on their own)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def same_normalized(a: str, b: str) -> bool:
    """`normalize(a) == normalize(b)`; most bodies of a re-sync are equal as they are."""
    return a == b or normalize(a) == normalize(b)


@dataclass(frozen=True)
class Marker:
    plan: str
    key: str
    base: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        data = {"v": VERSION, "plan": self.plan, "key": self.key, "base": dict(self.base)}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        safe = text.replace("--", "-\\u002d")  # "--" would end the HTML comment early
        return f"<!-- plansync {safe} -->"


@dataclass(frozen=True)
class Body:
    """An issue body taken apart: the person's text, the managed parts and the marker."""

    before: str
    description: str | None  # None when the managed block is missing
    details: str
    after: str
    marker: Marker | None


def marker_spans(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each `<!-- plansync {...} -->` in `body`, in one pass.

    A rendered marker never holds "--", so each one runs from the last opening before a
    closing to that closing: every character is looked at a bounded number of times,
    however many openings a crafted body repeats.
    """
    end = -1
    start = body.find(_OPEN)
    while start >= 0:
        if end < start:
            end = body.find(_CLOSE, start + len(_OPEN) - 1)
            if end < 0:
                return
        later = body.find(_OPEN, start + 1, end)
        if later >= 0:  # a later opening before the same closing: that one is the marker
            start = later
            continue
        yield start, end + len(_CLOSE)
        start = body.find(_OPEN, end + len(_CLOSE))


def parse_marker(body: str) -> Marker | None:
    """The last well-formed marker in `body` (plansync writes it last), or None."""
    text = body or ""
    found: Marker | None = None
    for start, end in marker_spans(text):
        if end - start <= MAX_MARKER:
            found = _read_marker(text[start + len(_OPEN) - 1 : end - len(_CLOSE) + 1]) or found
    return found


def _read_marker(raw: str) -> Marker | None:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        return None
    base = data["base"] if isinstance(data.get("base"), dict) else {}
    return Marker(plan=str(data.get("plan", "")), key=data["key"], base=base)


def _without_markers(text: str) -> str:
    pieces, cursor = [], 0
    for start, end in marker_spans(text):
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def split_body(body: str) -> Body:
    text = (body or "").replace("\r\n", "\n")
    marker = parse_marker(text)
    text = _without_markers(text)
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        return Body(before=text.strip("\n"), description=None, details="", after="", marker=marker)
    inside = text[begin + len(BEGIN) : end]
    description, _, details = inside.partition(DETAILS)
    return Body(
        before=text[:begin].strip("\n"),
        description=normalize(description),
        details=normalize(details),
        after=text[end + len(END) :].strip("\n"),
        marker=marker,
    )


def build_body(description: str, details: str, marker: Marker, person: Body | None = None) -> str:
    """The full body: the person's own text kept around a fresh managed block."""
    parts = []
    if person and person.before:
        parts.append(person.before)
    description, details = normalize(description), normalize(details)
    managed = [BEGIN]
    if description:
        managed.append(description)
    managed.append(DETAILS)
    if details:
        managed.append(details)
    managed.append(END)
    parts.append("\n".join(managed))
    if person and person.after:
        parts.append(person.after)
    parts.append(marker.render())
    return "\n\n".join(parts) + "\n"


def first_base(
    title: str, description: str, state: str, rel: dict[str, object]
) -> dict[str, object]:
    """The base of an issue plansync creates: the plan's values."""
    base: dict[str, object] = {
        "title": title_digest(title),
        "description": digest(description),
        "state": state,
    }
    if rel:
        base["rel"] = rel
    return base


def next_base(
    base: dict[str, object],
    title: Merged,
    description: Merged,
    state: Merged,
    rel: dict[str, object],
) -> dict[str, object]:
    """The base after a sync: each merged field's new value, or its old one on a conflict."""
    new = dict(base)
    for name, merged in (("title", title), ("description", description), ("state", state)):
        if merged.base is not None:
            new[name] = merged.base
    if rel:
        new["rel"] = rel
    else:
        new.pop("rel", None)
    return new
