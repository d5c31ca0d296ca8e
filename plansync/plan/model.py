"""The plan model: a parsed markdown plan, its sections and its items (pure data)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property


class State(enum.Enum):
    """What a checkbox marker means. The marker itself is always kept as written."""

    OPEN = "open"
    DONE = "done"
    IN_PROGRESS = "in_progress"
    SKIPPED = "skipped"
    UNKNOWN = "unknown"


# Markers seen in real plans. Kiro writes `[-]` for a task in progress; `[/]` is the
# Obsidian convention for the same; `[~]` reads as "struck out": dropped or won't do.
MARKER_STATES: Mapping[str, State] = {
    " ": State.OPEN,
    "x": State.DONE,
    "X": State.DONE,
    "-": State.IN_PROGRESS,
    "/": State.IN_PROGRESS,
    "~": State.SKIPPED,
}

# The marker plansync writes for each state (the first one listed above).
STATE_MARKERS: Mapping[State, str] = {
    State.OPEN: " ",
    State.DONE: "x",
    State.IN_PROGRESS: "-",
    State.SKIPPED: "~",
}


def state_of(marker: str) -> State:
    return MARKER_STATES.get(marker, State.UNKNOWN)


class Kind(enum.Enum):
    TASK = "task"
    CHECKLIST = "checklist"


class Category(enum.Enum):
    """Why an item is in the plan; everything but TASK is a checklist entry."""

    TASK = "task"
    QUALITY_GATE = "quality_gate"
    RISK = "risk"
    PREREQUISITE = "prerequisite"
    METRIC = "metric"

    @property
    def kind(self) -> Kind:
        return Kind.TASK if self is Category.TASK else Kind.CHECKLIST


@dataclass(frozen=True)
class Span:
    """A half-open range [start, end) of character offsets into the plan text."""

    start: int
    end: int


@dataclass(frozen=True)
class Anchors:
    """Where an item's editable parts sit in the text; the writer edits only these."""

    marker: Span
    title: Span
    ref: Span | None  # the text inside "( ... )" of an issue reference, if any
    ref_insert: int  # where a new reference goes (end of the line's content)
    line_end: int  # offset just past the item line, its newline included
    description: Span  # the item's own lines after its line (may be empty)
    description_indent: str  # the indent its description lines use
    newline: str  # the line ending of the item line ("" on a last line without one)
    meta_lines: tuple[Span, ...]  # metadata lines inside the description, kept on rewrite


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    level: int
    line: int
    parent: str | None
    is_phase: bool
    category: Category  # what its checkbox items are, unless they say otherwise
    fields: Mapping[str, str] = field(default_factory=dict)  # its "**Key:** value" lines
    due: str | None = None  # YYYY-MM-DD, from a Due/Deadline line or "(due ...)" in the title


@dataclass(frozen=True)
class Item:
    key: str  # unique in the plan: a repeated written key gets a suffix ("7.1~2")
    written_key: str | None  # the key as the plan wrote it ("Task 4", "1.1", "T001"), if any
    category: Category
    title: str
    marker: str
    line: int
    section: str | None
    parent: str | None
    description: str
    requirements: tuple[str, ...] = ()
    effort: str | None = None
    dependencies: tuple[str, ...] = ()  # resolved to item keys where possible
    blocks: tuple[str, ...] = ()  # "Required for Tasks 5, 9": items this one blocks
    loose_dependencies: tuple[str, ...] = ()  # dependency text that names no task key
    priority: str | None = None
    owner: str | None = None
    dates: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()  # spec-kit "[P]", "[US1]"
    optional: bool = False  # Kiro's "- [ ]* 2.4"
    commented: bool = False  # inside an HTML comment: read, but not synced
    issue_ref: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # every metadata field, raw
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    anchors: Anchors | None = field(default=None, compare=False, repr=False)

    @property
    def kind(self) -> Kind:
        return self.category.kind

    @property
    def key_explicit(self) -> bool:
        return self.written_key is not None

    @property
    def state(self) -> State:
        return state_of(self.marker)

    @property
    def checked(self) -> bool:
        return self.state is State.DONE


@dataclass(frozen=True)
class Plan:
    text: str
    title: str
    format: str  # "template", "kiro", "speckit" or "generic": how the plan was written
    metadata: Mapping[str, str]
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    path: str | None = None

    @cached_property
    def _by_key(self) -> dict[str, list[Item]]:
        # Built once: a sync looks items up by key for every task.
        index: dict[str, list[Item]] = {}
        for item in self.items:
            index.setdefault(item.key, []).append(item)
        return index

    @cached_property
    def _by_parent(self) -> dict[str | None, list[Item]]:
        index: dict[str | None, list[Item]] = {}
        for item in self.items:
            index.setdefault(item.parent, []).append(item)
        return index

    def find(self, key: str) -> list[Item]:
        return list(self._by_key.get(key, ()))

    def item(self, key: str) -> Item:
        found = self._by_key.get(key)
        if not found:
            raise KeyError(key)
        return found[0]

    def children(self, key: str) -> list[Item]:
        return list(self._by_parent.get(key, ()))
