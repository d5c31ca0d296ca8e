"""A checklist section as one tracking issue: its task list, ticked on either side (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from plansync.engine.merge import directed, merge
from plansync.engine.records import RemoteState

if TYPE_CHECKING:  # desired.py imports Entry from here
    from plansync.engine.desired import DesiredIssue

_TICK = re.compile(r"^[-*+] \[(?P<mark>[ xX])\] (?P<text>.+?)\s*$")


@dataclass(frozen=True)
class Entry:
    key: str  # the plan item's key
    text: str  # the line as the issue shows it, after the checkbox
    checked: bool


@dataclass(frozen=True)
class Ticks:
    entries: tuple[Entry, ...]  # as both sides should show them
    pulls: tuple[Entry, ...]  # entries whose box the plan must change
    conflicts: tuple[tuple[Entry, bool], ...]  # (the plan's entry, the issue's tick)
    base: dict[str, bool]  # the new base, by item key


def render(entries: tuple[Entry, ...]) -> str:
    return "\n".join(f"- [{'x' if e.checked else ' '}] {e.text}" for e in entries)


def read(details: str) -> dict[str, bool]:
    """Ticks in an issue's task list, by the text of each line."""
    ticks: dict[str, bool] = {}
    for line in details.split("\n"):  # only \n: text from the service may hold U+2028
        match = _TICK.match(line.strip())
        if match:
            ticks.setdefault(match["text"], match["mark"] != " ")
    return ticks


def reconcile_ticks(
    entries: tuple[Entry, ...],
    remote: Mapping[str, bool],
    base: Mapping[str, bool],
    policy: str,
    direction: str,
) -> Ticks:
    """Merge each entry's box three ways, as the state of a task is merged."""
    final: list[Entry] = []
    pulls: list[Entry] = []
    conflicts: list[tuple[Entry, bool]] = []
    new_base: dict[str, bool] = {}
    for entry in entries:
        if entry.text not in remote:  # new or reworded in the plan: the plan's box stands
            final.append(entry)
            new_base[entry.key] = entry.checked
            continue
        old = base.get(entry.key)
        previous = None if old is None else str(old)
        merged = merge(str(entry.checked), str(remote[entry.text]), previous, policy, str)
        merged = directed(merged, direction)
        checked = merged.value == "True"
        final.append(Entry(entry.key, entry.text, checked))
        if merged.pull:
            pulls.append(Entry(entry.key, entry.text, checked))
        if merged.conflict:
            conflicts.append((entry, remote[entry.text]))
        if merged.base is not None:
            new_base[entry.key] = checked
        elif old is not None:
            new_base[entry.key] = old
    return Ticks(tuple(final), tuple(pulls), tuple(conflicts), new_base)


def apply_ticks(
    issue: DesiredIssue, details: str, base: dict[str, object], policy: str, direction: str
) -> tuple[DesiredIssue, Ticks]:
    """The tracking issue as it should be after merging its boxes; `base` gets the new ticks."""
    recorded = base.get("ticks")
    ticks = reconcile_ticks(
        issue.entries,
        read(details),
        recorded if isinstance(recorded, dict) else {},
        policy,
        direction,
    )
    base["ticks"] = ticks.base
    done = all(entry.checked for entry in ticks.entries)
    return replace(
        issue,
        entries=ticks.entries,
        details=render(ticks.entries),
        state=RemoteState.DONE if done else RemoteState.OPEN,
    ), ticks
