"""Values pulled from the service that the plan cannot take (pure).

Text from the service is untrusted: a pull whose edit would change the plan's structure
(a new task, a heading, an open fence) is held back as a conflict; nothing else stops.
"""

from __future__ import annotations

from plansync.engine.changes import PlanEdit
from plansync.engine.merge import Merged
from plansync.plan.model import Plan
from plansync.plan.structure import apply_pulled_edits
from plansync.plan.write import AddItem, Rename, SetDescription, SetMarker

_FIELD_OF = {Rename: "title", SetDescription: "description", SetMarker: "state"}


def refusals(plan: Plan, edits: list[PlanEdit]) -> dict[object, str]:
    """The pulled edits the plan cannot take without a change of structure, as
    (key, field) -> why; an import (AddItem) by the edit itself."""
    if not edits:
        return {}
    _, refused = apply_pulled_edits(plan, [edit.edit for edit in edits])
    found: dict[object, str] = {}
    for refusal in refused:
        edit = refusal.edit
        if isinstance(edit, AddItem):
            found[edit] = refusal.reason
        elif type(edit) in _FIELD_OF:
            found[(edit.key, _FIELD_OF[type(edit)])] = refusal.reason
    return found


def held_back(
    refused: dict[object, str], key: str, name: str, merged: Merged, remote: str
) -> Merged:
    """A pull the plan cannot take: nobody changes, the base stays (a conflict)."""
    if (key, name) not in refused or not merged.pull:
        return merged
    return Merged(remote, False, False, True, None)
