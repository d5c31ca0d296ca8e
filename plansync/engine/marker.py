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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from plansync.engine.merge import Merged

BEGIN = "<!-- plansync:begin -->"
DETAILS = "<!-- plansync:details -->"
END = "<!-- plansync:end -->"
_MARKER = re.compile(r"<!-- plansync (?P<json>\{.*?\}) -->", re.DOTALL)
VERSION = 1


def digest(text: str) -> str:
    """A short, stable hash of text as both sides would show it."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


def normalize(text: str) -> str:
    """Text compared across the two sides: newlines unified, outer blank lines and
    trailing spaces dropped (services and editors change those on their own)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


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


def parse_marker(body: str) -> Marker | None:
    match = _MARKER.search(body or "")
    if not match:
        return None
    try:
        data = json.loads(match["json"])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        return None
    base = data["base"] if isinstance(data.get("base"), dict) else {}
    return Marker(plan=str(data.get("plan", "")), key=data["key"], base=base)


def split_body(body: str) -> Body:
    text = (body or "").replace("\r\n", "\n")
    marker = parse_marker(text)
    text = _MARKER.sub("", text)
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
    managed = [BEGIN]
    if normalize(description):
        managed.append(normalize(description))
    managed.append(DETAILS)
    if normalize(details):
        managed.append(normalize(details))
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
        "title": digest(title),
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
