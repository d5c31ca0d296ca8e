"""The shape of a plan, and the safety net that writes a run's edits only when each one
changes no more than it says: a pull changes values, never structure (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from plansync.plan.escape import canonical, canonical_title
from plansync.plan.model import Category, Plan, Section
from plansync.plan.parse import parse_plan
from plansync.plan.write import (
    AddItem,
    Edit,
    Prepared,
    Rename,
    SetDescription,
    SetIssueRef,
    SetMarker,
    prepare,
    splice,
)


@dataclass(frozen=True)
class ItemShape:
    """An item as structure sees it; title and description in their canonical form."""

    key: str | None  # None: a derived key that may change (a renamed untitled-key item)
    written_key: str | None
    category: Category
    parent: int | None  # index of the parent in the plan's items
    section: str | None
    marker: str
    issue_ref: str | None
    dependencies: tuple[str, ...]
    blocks: tuple[str, ...]
    tags: tuple[str, ...]
    flags: tuple[bool, bool]  # optional, commented
    fields: tuple[tuple[str, str], ...]
    title: str
    description: str


@dataclass(frozen=True)
class Structure:
    title: str
    metadata: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]  # with line numbers zeroed
    items: tuple[ItemShape, ...]


@dataclass(frozen=True)
class Refused:
    """An edit left out of the plan, and why; the caller reports it as a conflict."""

    edit: Edit
    reason: str


def structure(plan: Plan) -> Structure:
    index = {item.key: number for number, item in enumerate(plan.items)}
    items = tuple(
        ItemShape(
            key=item.key,
            written_key=item.written_key,
            category=item.category,
            parent=index.get(item.parent) if item.parent is not None else None,
            section=item.section,
            marker=item.marker,
            issue_ref=item.issue_ref,
            dependencies=item.dependencies,
            blocks=item.blocks,
            tags=item.tags,
            flags=(item.optional, item.commented),
            fields=tuple(sorted(item.fields.items())),
            title=canonical_title(item.title),
            description=canonical(item.description),
        )
        for item in plan.items
    )
    sections = tuple(replace(section, line=0) for section in plan.sections)
    return Structure(plan.title, tuple(sorted(plan.metadata.items())), sections, items)


def apply_pulled_edits(plan: Plan, edits: Iterable[Edit]) -> tuple[str, list[Refused]]:
    """The plan's text with every edit that changes only what it says, and the others.

    Each Rename may change only its item's title (and a key derived from the title),
    SetDescription only the description, SetMarker only the marker, SetIssueRef only
    the reference, and each AddItem adds exactly one item without a key of its own.
    """
    good, bad = prepare(plan, edits)
    refused = [Refused(edit, reason) for edit, reason in bad]
    text = splice(plan.text, good)
    if not good:
        return text, refused
    before = structure(plan)
    why = _differs(before, parse_plan(text, plan.path), [p.edit for p in good])
    if why is None:
        return text, refused
    kept: list[Prepared] = []  # some edit overreaches: keep the edits that do not
    _sift(plan, before, kept, good, refused, why)
    return splice(plan.text, kept), refused


def _sift(
    plan: Plan,
    before: Structure,
    kept: list[Prepared],
    edits: list[Prepared],
    refused: list[Refused],
    known: str | None = None,
) -> None:
    """Add to `kept` the edits that still fit with it, halving the rest: a few bad edits
    among many cost a few parses each (the depth is the log of the number of edits).
    `known` is why `kept + edits` fails, when that very set was tried already."""
    why = known
    if why is None:
        trial = [*kept, *edits]
        after = parse_plan(splice(plan.text, trial), plan.path)
        why = _differs(before, after, [p.edit for p in trial])
    if why is None:
        kept.extend(edits)
    elif len(edits) == 1:
        reason = f"it would change the plan's structure ({why})"
        refused.append(Refused(edits[0].edit, reason))
    else:
        middle = len(edits) // 2
        size = len(kept)
        _sift(plan, before, kept, edits[:middle], refused)
        # the first half all fitted: kept + second half is the set that just failed
        again = why if len(kept) == size + middle else None
        _sift(plan, before, kept, edits[middle:], refused, again)


def moved_keys(plan: Plan, after: Plan, edits: Sequence[Edit]) -> dict[str, str]:
    """Old key -> new key of each item whose key changed when `edits` (as written by
    apply_pulled_edits) made `after` from `plan`: a renamed task whose key comes from its
    title. Items are matched by their place in the plan, not by line numbers (a longer
    description moves every line below it)."""
    position, _ = _align(structure(plan), after, edits)
    return {
        plan.items[old].key: after.items[new].key
        for new, old in position.items()
        if plan.items[old].key != after.items[new].key
    }


def _differs(before: Structure, plan: Plan, edits: Sequence[Edit]) -> str | None:
    """None when `plan` is `before` with exactly `edits`; else what differs."""
    return _align(before, plan, edits)[1]


def _align(
    before: Structure, plan: Plan, edits: Sequence[Edit]
) -> tuple[dict[int, int], str | None]:
    """Index in `plan` -> index in `before` of each item, and what differs (None: only
    what `edits` say)."""
    after = structure(plan)
    position: dict[int, int] = {}
    if (after.title, after.metadata, after.sections) != (
        before.title,
        before.metadata,
        before.sections,
    ):
        return position, "sections or document fields"
    expected, added = _expected(before, edits)
    pending = 0
    for number, item in enumerate(after.items):
        wanted = expected[pending] if pending < len(expected) else None
        if wanted is not None and _same(wanted, item, position):
            position[number] = pending
            pending += 1
        elif (found := _added(added, item)) is not None:
            added.remove(found)
        else:
            key = item.key if wanted is None else wanted.key or item.key
            return position, f"item {key!r}"
    if pending < len(expected) or added:
        return position, "items removed or not added"
    return position, None


def _expected(
    before: Structure, edits: Sequence[Edit]
) -> tuple[list[ItemShape], list[tuple[str, str | None, str]]]:
    items = list(before.items)
    where = {item.key: number for number, item in enumerate(items)}
    added: list[tuple[str, str | None, str]] = []
    for edit in edits:
        if isinstance(edit, AddItem):
            added.append((canonical_title(edit.title), edit.ref, edit.marker))
            continue
        number = where[edit.key]
        item = items[number]
        if isinstance(edit, Rename):
            key = item.key if item.written_key is not None else None
            items[number] = replace(item, key=key, title=canonical_title(edit.title))
        elif isinstance(edit, SetDescription):
            items[number] = replace(item, description=canonical(edit.text))
        elif isinstance(edit, SetMarker):
            items[number] = replace(item, marker=edit.marker)
        elif isinstance(edit, SetIssueRef):
            items[number] = replace(item, issue_ref=edit.ref)
    return items, added


def _same(wanted: ItemShape, item: ItemShape, position: dict[int, int]) -> bool:
    parent = position.get(item.parent, -1) if item.parent is not None else None
    if wanted.key is None:  # a renamed item whose key comes from its title
        return item.written_key is None and replace(item, key=None, parent=parent) == wanted
    return replace(item, parent=parent) == wanted


def _added(
    added: list[tuple[str, str | None, str]], item: ItemShape
) -> tuple[str, str | None, str] | None:
    if item.written_key is not None or item.description:
        return None
    shape = (item.title, item.issue_ref, item.marker)
    return shape if shape in added else None
