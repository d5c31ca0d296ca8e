"""Keys that a pulled title changes (a task whose key comes from its title), carried into
every issue that names them, in the same run (pure)."""

from __future__ import annotations

from dataclasses import replace

from plansync.engine import marker as m
from plansync.engine.changes import UpdateIssue
from plansync.engine.desired import Desired
from plansync.engine.identity import REMOVED
from plansync.engine.records import RemoteIssue
from plansync.plan.model import Plan
from plansync.plan.parse import parse_plan
from plansync.plan.structure import apply_pulled_edits, moved_keys
from plansync.plan.write import Edit, Rename


def rekeyed(
    plan_path: str,
    plan: Plan,
    edits: list[Edit],
    wanted: Desired,
    matched: dict[str, RemoteIssue],
    updates: list[UpdateIssue],
) -> list[UpdateIssue]:
    """A pulled title renames a task whose key comes from its title. Every issue whose
    marker or details name the old key takes the new one in this run's write, so the
    next run finds nothing to change."""
    renamed = _renamed_keys(plan, edits)
    if not renamed:
        return updates
    updates = list(updates)
    after = {issue.key: issue for issue in wanted.issues}
    pending = {update.key: n for n, update in enumerate(updates)}
    for key, remote in matched.items():
        index = pending.get(key)
        body = updates[index].body if index is not None else None
        parts = m.split_body(body or remote.body)
        if key.startswith(REMOVED) or parts.marker is None:
            continue
        new_key = renamed.get(key, key)
        base = dict(parts.marker.base)
        if isinstance(base.get("rel"), dict):
            base["rel"] = _renamed_rel(base["rel"], renamed)
        details = after[new_key].details if new_key in after else parts.details
        marker = m.Marker(plan_path, new_key, base)
        new_body = m.build_body(parts.description or "", details, marker, parts)
        if m.normalize(new_body) == m.normalize(body or remote.body):
            continue
        if index is None:
            updates.append(UpdateIssue(key, remote.number, body=new_body, why=("details",)))
        else:
            updates[index] = replace(updates[index], body=new_body)
    return updates


def _renamed_keys(plan: Plan, edits: list[Edit]) -> dict[str, str]:
    if not any(isinstance(e, Rename) and not plan.item(e.key).written_key for e in edits):
        return {}
    text, _ = apply_pulled_edits(plan, edits)
    return moved_keys(plan, parse_plan(text, plan.path), edits)


def _renamed_rel(rel: dict[str, object], renamed: dict[str, str]) -> dict[str, object]:
    parent = rel.get("parent")
    blocked = rel.get("blocked_by")
    new = dict(rel)
    if isinstance(parent, str):
        new["parent"] = renamed.get(parent, parent)
    if isinstance(blocked, list):
        new["blocked_by"] = sorted(renamed.get(str(b), str(b)) for b in blocked)
    return new
