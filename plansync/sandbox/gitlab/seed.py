"""Create GitLab data in one step, for `POST /_sandbox/seed {"gitlab": ...}` and tests:

{"projects": {"group/project": {
    "labels": ["bug", {"name": "plan", "color": "#ff0000", "description": "..."}],
    "milestones": [{"title": "v1", "due_date": "2030-01-01", "state": "closed"}],
    "issues": [{"title": "T", "description": "...", "labels": ["bug"], "milestone": "v1",
                "state": "closed", "notes": ["a comment"]}],
    "files": {"PLAN.md": "text on the default branch"}}}}

Returns each project's id and the iids of its seeded issues. The caller holds `store.lock`.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import db, editing, files
from plansync.sandbox.gitlab.notes import add_note
from plansync.sandbox.http import ApiError

Record = db.Record


def _milestone(store: Any, project: Record, spec: dict[str, Any]) -> None:
    if db.milestone_by_title(project, str(spec["title"])) is not None:
        return
    now = store.clock.now()
    milestone_id = store.next_id()
    project["milestones"][str(milestone_id)] = {
        "id": milestone_id,
        "iid": project["next_milestone_iid"],
        "title": str(spec["title"]),
        "description": spec.get("description"),
        "state": "closed" if spec.get("state") == "closed" else "active",
        "due_date": spec.get("due_date"),
        "start_date": spec.get("start_date"),
        "created_at": now,
        "updated_at": now,
    }
    project["next_milestone_iid"] += 1


def _issue(store: Any, project: Record, spec: dict[str, Any], user: Record) -> int:
    params = {k: v for k, v in spec.items() if k not in ("milestone", "state", "notes")}
    if spec.get("milestone"):
        found = db.milestone_by_title(project, str(spec["milestone"]))
        if found is None:
            raise ApiError(400, {"message": f"unknown milestone {spec['milestone']!r}"})
        params["milestone_id"] = found["id"]
    issue = editing.new_issue(store, project, params, user)
    if spec.get("state") == "closed":
        editing.apply(store, project, issue, {"state_event": "close"}, user)
    for body in spec.get("notes") or []:
        add_note(store, issue, user["id"], str(body))
    iid: int = issue["iid"]
    return iid


def _project(store: Any, path: str, spec: dict[str, Any]) -> Record:
    project = db.ensure_project(store, path)
    user = db.current_user(store)
    for label in spec.get("labels") or []:
        label = label if isinstance(label, dict) else {"name": label}
        record = db.ensure_label(store, project, str(label["name"]), label.get("color"))
        record["description"] = label.get("description", record["description"])
    for milestone in spec.get("milestones") or []:
        _milestone(store, project, milestone)
    iids = [_issue(store, project, issue, user) for issue in spec.get("issues") or []]
    for path_in_repo, content in (spec.get("files") or {}).items():
        params = {"branch": project["default_branch"], "commit_message": f"Add {path_in_repo}"}
        files.commit(store, project["repo"], params, path_in_repo, str(content).encode())
    return {"id": project["id"], "issues": iids}


def seed(store: Any, spec: dict[str, Any]) -> dict[str, Any]:
    projects = spec.get("projects") or {}
    if not isinstance(projects, dict):
        raise ApiError(400, {"message": "gitlab.projects must map paths to project specs"})
    return {
        "projects": {path: _project(store, path, body or {}) for path, body in projects.items()}
    }
