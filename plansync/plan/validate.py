"""Checks on a parsed plan: keys, dependencies, titles and markers (pure)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from plansync.plan import fields as f
from plansync.plan.model import MARKER_STATES, Item, Plan, State

SUB_ISSUE_LEVELS = 8  # GitHub nests sub-issues at most this many levels deep


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    line: int
    col: int
    severity: Severity
    message: str
    hint: str
    code: str = ""  # "duplicate-key", "empty-title", "unknown-marker", "unknown-dependency",
    #                 "loose-dependency", "cycle" or "deep-nesting"

    def render(self, path: str) -> str:
        where = f"{path}:{self.line}:{self.col}"
        return f"{where}: {self.severity.value}: {self.message} (hint: {self.hint})"


def validate(plan: Plan) -> list[Problem]:
    """Every problem in the plan, in line order."""
    problems = [
        *_duplicate_keys(plan),
        *_empty_titles(plan),
        *_unknown_markers(plan),
        *_unknown_dependencies(plan),
        *_cycles(plan),
        *_deep_nesting(plan),
    ]
    return sorted(problems, key=lambda p: (p.line, p.col, p.message))


def _col(plan: Plan, line: int, *needles: str) -> int:
    """1-based column of the first of `needles` found on `line`, or 1."""
    lines = plan.text.split("\n", line)
    text = lines[line - 1] if len(lines) >= line else ""
    for needle in needles:
        index = text.find(needle)
        if index >= 0:
            return index + 1
    return 1


def _title_col(plan: Plan, item: Item) -> int:
    assert item.anchors is not None
    line_start = plan.text.rfind("\n", 0, item.anchors.title.start) + 1
    return item.anchors.title.start - line_start + 1


def _duplicate_keys(plan: Plan) -> Iterator[Problem]:
    first: dict[str, Item] = {}
    for item in plan.items:
        written = item.written_key
        if written is None:
            continue
        if written in first:
            yield Problem(
                item.line,
                _col(plan, item.line, written),
                Severity.ERROR,
                f"duplicate key {written!r} (first used on line {first[written].line})",
                "give each task its own number",
                "duplicate-key",
            )
        else:
            first[written] = item


def _empty_titles(plan: Plan) -> Iterator[Problem]:
    for item in plan.items:
        if not item.title:
            yield Problem(
                item.line,
                _title_col(plan, item),
                Severity.ERROR,
                f"item {item.key!r} has an empty title",
                "write what the task is after the checkbox",
                "empty-title",
            )


def _unknown_markers(plan: Plan) -> Iterator[Problem]:
    known = ", ".join(f"[{m}]" for m in MARKER_STATES)
    for item in plan.items:
        if item.state is State.UNKNOWN:
            assert item.anchors is not None
            line_start = plan.text.rfind("\n", 0, item.anchors.marker.start) + 1
            yield Problem(
                item.line,
                item.anchors.marker.start - line_start + 1,
                Severity.WARNING,
                f"unknown checkbox marker [{item.marker}] on {item.key!r}; it is read as open",
                f"use one of {known}",
                "unknown-marker",
            )


def _unknown_dependencies(plan: Plan) -> Iterator[Problem]:
    keys = {item.key for item in plan.items}
    for item in plan.items:
        for name, targets in (("dependencies", item.dependencies), ("blocks", item.blocks)):
            line = _field_line(item, name)
            for target in targets:
                if target not in keys:
                    yield Problem(
                        line,
                        _col(plan, line, target, target.removeprefix("Task ")),
                        Severity.ERROR,
                        f"{item.key!r} refers to unknown task {target!r}",
                        "fix the task number, or add the task it names",
                        "unknown-dependency",
                    )
        for loose in item.loose_dependencies:
            line = _field_line(item, "dependencies")
            yield Problem(
                line,
                _col(plan, line, loose),
                Severity.WARNING,
                f"{item.key!r}: {loose!r} is not a task key, so it is not tracked",
                "name tasks by key, e.g. 'Dependencies: Task 3, Task 4'",
                "loose-dependency",
            )


def _deep_nesting(plan: Plan) -> Iterator[Problem]:
    """Once per item at the first level past SUB_ISSUE_LEVELS, with how many lie below."""
    level: dict[str, int] = {}
    first: dict[str, Item] = {}  # a too-deep item -> the too-deep ancestor that starts it
    below: dict[str, int] = {}
    for item in plan.items:  # a parent always comes before its children
        depth = level[item.parent] + 1 if item.parent in level else 1
        level[item.key] = depth
        if depth > SUB_ISSUE_LEVELS and item.parent is not None:
            top = first.get(item.parent, item)
            first[item.key] = top
            below[top.key] = below.get(top.key, 0) + 1
    for key, count in below.items():
        item = plan.item(key)
        more = f" (and {count - 1} below it)" if count > 1 else ""
        yield Problem(
            item.line,
            1,
            Severity.WARNING,
            f"{item.key!r}{more} is nested deeper than the {SUB_ISSUE_LEVELS} levels of "
            "sub-issues GitHub allows; sync lists it in its parent's body instead",
            f"keep task lists at most {SUB_ISSUE_LEVELS} levels deep",
            "deep-nesting",
        )


def _field_line(item: Item, name: str) -> int:
    """The line of the first metadata field with this canonical name (else the item's)."""
    for key, line in item.field_lines.items():
        if f.FIELD_ALIASES.get(key) == name:
            return line
    return item.line


def _cycles(plan: Plan) -> Iterator[Problem]:
    """Report each dependency cycle once, at its item that comes first in the plan."""
    graph: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for item in plan.items:
        graph.setdefault(item.key, []).extend(item.dependencies)
        lines.setdefault(item.key, item.line)
    for item in plan.items:  # "A is required for B" means B depends on A
        for blocked in item.blocks:
            graph.setdefault(blocked, []).append(item.key)
    seen: set[frozenset[str]] = set()
    for cycle in _find_cycles(graph):
        members = frozenset(cycle)
        if members in seen:
            continue
        seen.add(members)
        start = min(cycle, key=lambda key: lines.get(key, 0))
        at = cycle.index(start)
        ordered = cycle[at:] + cycle[:at] + [start]
        yield Problem(
            lines.get(start, 1),
            1,
            Severity.ERROR,
            "dependency cycle: " + " -> ".join(ordered),
            "remove one of these dependencies",
            "cycle",
        )


def _find_cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Yield one cycle per strongly connected group (iterative DFS, no recursion limit)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in graph:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph.get(root, ())))]
        state[root] = 1
        path.append(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                yield path[path.index(child) :]
            elif child not in state and child in graph:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
