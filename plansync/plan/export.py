"""Plan -> plain data for `plansync parse --json` (the schema is in docs/plan-format.md)."""

from __future__ import annotations

from typing import Any

from plansync.plan.model import Item, Plan, Section


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "format": plan.format,
        "metadata": dict(plan.metadata),
        "sections": [_section(section) for section in plan.sections],
        "items": [_item(item) for item in plan.items],
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "line": section.line,
        "level": section.level,
        "parent": section.parent,
        "phase": section.is_phase,
        "category": section.category.value,
        "due": section.due,
        "fields": dict(section.fields),
    }


def _item(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind.value,
        "category": item.category.value,
        "title": item.title,
        "state": item.state.value,
        "marker": item.marker,
        "checked": item.checked,
        "line": item.line,
        "section": item.section,
        "parent": item.parent,
        "requirements": list(item.requirements),
        "effort": item.effort,
        "dependencies": list(item.dependencies),
        "blocks": list(item.blocks),
        "priority": item.priority,
        "owner": item.owner,
        "dates": dict(item.dates),
        "tags": list(item.tags),
        "optional": item.optional,
        "commented": item.commented,
        "issue_ref": item.issue_ref,
        "description": item.description,
        "fields": dict(item.fields),
    }
