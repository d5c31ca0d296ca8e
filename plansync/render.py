"""Text a person reads: plan outlines (output formatting only, no decisions)."""

from __future__ import annotations

from plansync.plan.model import Plan, State

_GLYPHS = {
    State.OPEN: "[ ]",
    State.DONE: "[x]",
    State.IN_PROGRESS: "[-]",
    State.SKIPPED: "[~]",
    State.UNKNOWN: "[?]",
}


def outline(plan: Plan) -> str:
    """The plan as an indented outline: sections that hold items, and their items."""
    depth: dict[str, int] = {}
    for item in plan.items:
        depth[item.key] = depth.get(item.parent, -1) + 1 if item.parent else 0
    lines = [f"{plan.title}  ({plan.format} plan, {len(plan.items)} items)"]
    by_section: dict[str | None, list[str]] = {}
    for item in plan.items:
        ref = f"  ({item.issue_ref})" if item.issue_ref else ""
        label = item.key if item.key_explicit else item.category.value
        text = f"{'  ' * depth[item.key]}{_GLYPHS[item.state]} {label}: {item.title}{ref}"
        by_section.setdefault(item.section, []).append(f"  {text}  :{item.line}")
    titles = {section.key: section for section in plan.sections}
    for key, entries in by_section.items():
        section = titles.get(key) if key else None
        lines.append("")
        lines.append(f"{section.title}  :{section.line}" if section else "(before any heading)")
        lines.extend(entries)
    return "\n".join(lines)
