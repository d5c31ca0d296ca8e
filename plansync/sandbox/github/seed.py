"""Seeding GitHub data in one admin call, through the same validation the API routes use.

{"repos": {"owner/name": {
    "labels": [{"name": "bug", "color": "d73a4a"}],
    "milestones": [{"title": "v1", "due_on": "2030-01-01", "state": "open"}],
    "issues": [{"title": "A", "labels": ["bug"], "milestone": 1, "state": "closed"}],
    "issue_count": 250,                  # plus this many plain issues "Issue N"
    "files": {"docs/plan.md": "text"}}}}
"""

from __future__ import annotations

import base64
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.contents import blob_sha
from plansync.sandbox.github.issues import apply, new_issue
from plansync.sandbox.github.labels import new_label
from plansync.sandbox.github.milestones import new_milestone
from plansync.sandbox.http import ApiError
from plansync.sandbox.state import Store


def _seed_repo(store: Store, record: dict[str, Any], spec: dict[str, Any]) -> dict[str, int]:
    for body in spec.get("labels", []):
        new_label(store, record, body)
    for body in spec.get("milestones", []):
        new_milestone(store, record, body)
    issues = list(spec.get("issues", []))
    issues += [{"title": f"Issue {n + 1}"} for n in range(int(spec.get("issue_count", 0)))]
    for body in issues:
        issue = new_issue(store, record, body)
        if "state" in body:
            state = {"state": body["state"], "state_reason": body.get("state_reason")}
            apply(store, record, issue, state)
    for path, text in dict(spec.get("files", {})).items():
        raw = str(text).encode("utf-8")
        record["files"][path.strip("/")] = {
            "content": base64.b64encode(raw).decode(),
            "sha": blob_sha(raw),
        }
    return {"issues": len(issues), "labels": len(spec.get("labels", []))}


def seed(store: Store, payload: Any) -> dict[str, Any]:
    """Create what `payload` describes; returns counts per repository."""
    if not isinstance(payload, dict) or not isinstance(payload.get("repos", {}), dict):
        raise ApiError(400, {"message": 'expected {"repos": {"owner/name": {...}}}'})
    created: dict[str, Any] = {}
    with store.lock:
        for full_name, spec in payload.get("repos", {}).items():
            owner, _, name = str(full_name).partition("/")
            if not owner or not name:
                raise ApiError(400, {"message": f"bad repository name {full_name!r}"})
            created[full_name] = _seed_repo(store, db.repo(store, owner, name), dict(spec))
    return created
