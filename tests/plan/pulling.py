"""Helpers for the trust-boundary tests: pull values into a plan, check only they changed."""

from __future__ import annotations

from dataclasses import dataclass, replace

from plansync.engine.marker import digest, title_digest
from plansync.plan import Plan, parse_plan
from plansync.plan.model import Item
from plansync.plan.structure import Refused, apply_pulled_edits, structure
from plansync.plan.write import Edit, Rename, SetDescription


@dataclass(frozen=True)
class Pulled:
    before: Plan
    after: Plan
    refused: list[Refused]

    def item(self, key: str) -> Item:
        """The edited item, found by its line (a key derived from a title may change)."""
        line = self.before.item(key).line
        return next(item for item in self.after.items if item.line == line)


def pull(text: str, key: str, title: str | None = None, description: str | None = None) -> Pulled:
    """Apply a pulled title and/or description, and check that nothing else changed."""
    plan = parse_plan(text)
    edits: list[Edit] = []
    if title is not None:
        edits.append(Rename(key, title))
    if description is not None:
        edits.append(SetDescription(key, description))
    new_text, refused = apply_pulled_edits(plan, edits)
    after = parse_plan(new_text)
    assert_only_values_changed(plan, after, key)
    return Pulled(plan, after, refused)


def assert_only_values_changed(before: Plan, after: Plan, key: str, shift: bool = False) -> bool:
    """Only the item's title and description changed (and its key, if derived from the
    title). With `shift`, other derived keys may change too (a renamed title takes or
    frees a slug another task has): returns whether they did."""
    old, new = structure(before), structure(after)
    assert (new.title, new.metadata, new.sections) == (old.title, old.metadata, old.sections)
    assert len(new.items) == len(old.items), "items were added or lost"
    edited = before.item(key)
    shifted = False
    for was, now in zip(old.items, new.items, strict=True):
        derived = was.written_key is None
        if was.key != edited.key:
            if shift and derived and now.key != was.key:
                shifted, now = True, replace(now, key=was.key)
            assert now == was
            continue
        ignored = {"title": "", "description": ""} | ({"key": ""} if derived else {})
        assert replace(now, **ignored) == replace(was, **ignored)  # type: ignore[arg-type]
    return shifted


def converged(pulled: Pulled, key: str, title: str | None, description: str | None) -> bool:
    """What the plan reads back compares equal to the pulled text: the next run sees no change."""
    item = pulled.item(key)
    same_title = title is None or title_digest(item.title) == title_digest(title)
    same_text = description is None or digest(item.description) == digest(description)
    return same_title and same_text
