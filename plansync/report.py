"""How a run's report looks to a person (like `terraform plan`) or a machine (--json)."""

from __future__ import annotations

from typing import Any

import click

from plansync.apply import Outcome
from plansync.engine.changes import (
    CreateMilestone,
    SyncPlan,
    UpdateMilestone,
)
from plansync.plan.write import AddItem, Rename, SetDescription, SetMarker
from plansync.run import Mode, RunReport, stats_json

_SYMBOLS = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "close": ("-", "red"),
    "plan": (">", "cyan"),
    "link": ("&", "blue"),
    "conflict": ("!", "magenta"),
}


def _line(kind: str, text: str, color: bool) -> str:
    symbol, colour = _SYMBOLS[kind]
    return f"  {click.style(symbol, fg=colour) if color else symbol} {text}"


def _number(number: int) -> str:
    return f"#{number}" if number else "(new)"


def describe(changes: SyncPlan, where: str, plan_path: str, color: bool = False) -> str:
    """The changes grouped by what they touch, one line each, and a one-line summary."""
    if changes.in_sync:
        return f"{plan_path} and {where} are in sync: nothing to do."
    lines = [f"plansync would change {where} and {plan_path}:", ""]
    for label in changes.labels:
        lines.append(_line("create", f"label {label.name!r}", color))
    for milestone in changes.milestones:
        if isinstance(milestone, CreateMilestone):
            lines.append(_line("create", f"milestone {milestone.title!r}", color))
        elif isinstance(milestone, UpdateMilestone):
            lines.append(_line("update", f"milestone {milestone.title!r}", color))
    for create in changes.creates:
        issue = create.issue
        where_to = f" in {issue.milestone!r}" if issue.milestone else ""
        state = "" if issue.state.value == "open" else f" ({issue.state.value})"
        lines.append(_line("create", f"issue {issue.key}: {issue.title!r}{where_to}{state}", color))
    for update in changes.updates:
        if update.why == ("relations",):
            continue
        changed = ", ".join(update.why)
        lines.append(
            _line("update", f"issue {_number(update.number)} {update.key}: {changed}", color)
        )
    for close in changes.closes:
        lines.append(
            _line(
                "close",
                f"issue #{close.number} {close.key}: close as not planned (removed from the plan)",
                color,
            )
        )
    for duplicate in changes.duplicates:
        lines.append(
            _line(
                "close",
                f"issue #{duplicate.number} {duplicate.key}: close as a duplicate of "
                f"#{duplicate.keep}",
                color,
            )
        )
    for link in changes.links:
        relation = "gets sub-issue" if link.kind == "sub-issue" else "is blocked by"
        lines.append(_line("link", f"{link.key} {relation} {link.target}", color))
    for edit in changes.plan_edits:
        lines.append(_line("plan", f"{plan_path}: {edit.key}: {_edit_text(edit.edit)}", color))
    if changes.refs:
        lines.append(
            _line(
                "plan",
                f"{plan_path}: write issue references on {len(changes.refs)} task lines",
                color,
            )
        )
    for conflict in changes.conflicts:
        lines.append(
            _line(
                "conflict",
                f"issue #{conflict.number} {conflict.key}: {conflict.field} "
                + (
                    f"not taken into the plan: {conflict.reason}"
                    if conflict.reason
                    else "changed on both sides"
                ),
                color,
            )
        )
        lines.append(f"      plan:   {conflict.plan_value!r}")
        lines.append(f"      remote: {conflict.remote_value!r}")
    lines += [f"  note: {note.text}" for note in changes.notes]
    lines += ["", summary(changes)]
    return "\n".join(lines)


def _edit_text(edit: object) -> str:
    if isinstance(edit, SetMarker):
        return f"set checkbox to [{edit.marker}]"
    if isinstance(edit, Rename):
        return f"rename to {edit.title!r}"
    if isinstance(edit, SetDescription):
        return "replace the description with the issue's"
    if isinstance(edit, AddItem):
        return f"add {edit.title!r} ({edit.ref}) to {edit.section or 'the end'}"
    return "edit"


def summary(changes: SyncPlan) -> str:
    parts = [
        f"{len(changes.creates)} to create",
        f"{sum(1 for u in changes.updates if u.number)} to update",
        f"{len(changes.closes)} to close",
        f"{len(changes.links)} relations",
        f"{len(changes.plan_edits)} plan edits",
    ]
    if changes.conflicts:
        parts.append(f"{len(changes.conflicts)} conflicts")
    return "Plan: " + ", ".join(parts) + "."


def as_json(changes: SyncPlan) -> dict[str, Any]:
    return {
        "in_sync": changes.in_sync,
        "labels": [c.name for c in changes.labels],
        "milestones": [
            {
                "action": "create" if isinstance(c, CreateMilestone) else "update",
                "key": c.key,
                "title": c.title,
            }
            for c in changes.milestones
        ],
        "create": [
            {
                "key": c.issue.key,
                "title": c.issue.title,
                "milestone": c.issue.milestone,
                "state": c.issue.state.value,
            }
            for c in changes.creates
        ],
        "update": [
            {"key": u.key, "number": u.number or None, "fields": list(u.why)}
            for u in changes.updates
        ],
        "close": [{"key": c.key, "number": c.number} for c in changes.closes],
        "link": [
            {"key": link.key, "kind": link.kind, "target": link.target} for link in changes.links
        ],
        "plan_edits": [{"key": e.key, "what": e.why} for e in changes.plan_edits],
        "refs": [r.key for r in changes.refs],
        "duplicates": [
            {"key": d.key, "number": d.number, "keep": d.keep} for d in changes.duplicates
        ],
        "notes": [{"key": n.key, "number": n.number, "text": n.text} for n in changes.notes],
        "conflicts": [
            {
                "key": c.key,
                "number": c.number,
                "field": c.field,
                "plan": c.plan_value,
                "remote": c.remote_value,
                "reason": c.reason or None,
            }
            for c in changes.conflicts
        ],
    }


def done(outcome: Outcome, changes: SyncPlan, plan_path: str) -> str:
    if not outcome.counts:
        return f"{plan_path}: already in sync; nothing changed."
    parts = [f"{n} {what}" for what, n in outcome.counts.items()]
    text = "Synced: " + ", ".join(parts) + "."
    if changes.conflicts:
        text += f"\n{len(changes.conflicts)} conflicts left untouched on both sides (see above)."
    return text


def run_text(run: RunReport, max_creates: int, color: bool = False) -> str:
    """Every plan's changes (and, after a sync, what was done), the waits and the stop."""
    where = f"{run.provider} {run.repo}"
    blocks: list[str] = []
    for result in run.plans:
        blocks.append(describe(result.changes, where, result.path, color))
        if run.mode is Mode.PLAN and len(result.changes.creates) > max_creates:
            blocks.append(
                f"note: {len(result.changes.creates)} issues to create is more than one run "
                f"may create ({max_creates}); `plansync sync` will need --max-creates "
                f"{len(result.changes.creates)}"
            )
        if result.outcome is not None:
            blocks.append(done(result.outcome, result.changes, result.path))
    if run.stopped:
        blocks.append(f"stopped: {run.stopped}")
    return "\n".join(blocks)


def run_json(run: RunReport) -> dict[str, Any]:
    """One shape, whatever the number of plans."""
    return {
        "mode": run.mode.value,
        "provider": run.provider,
        "repo": run.repo,
        "direction": run.direction,
        "exit_code": run.exit_code,
        "plans": [
            {
                "plan": r.path,
                **as_json(r.changes),
                "done": dict(r.outcome.counts) if r.outcome else {},
                "plan_written": bool(r.outcome and r.outcome.plan_written),
                "committed": r.committed,
                "pull_request": r.proposal,
            }
            for r in run.plans
        ],
        "waits": [
            {"reason": w.reason, "seconds": round(w.seconds, 1), "until": w.until}
            for w in run.waits
        ],
        "requests": stats_json(run.stats),
        "stopped": run.stopped,
        "resume_at": run.resume_at,
    }
