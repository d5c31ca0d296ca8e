"""Changing an issue's attributes from request parameters, as create and update share it.

Returns the system notes GitLab would write for the change (closed, labels, milestone, ...), so
a client that reads notes sees them as it would on GitLab.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, db
from plansync.sandbox.http import ApiError

Record = db.Record
STATE_EVENTS = {"close": "closed", "reopen": "opened"}


def _blank_title() -> ApiError:
    return ApiError(400, {"message": {"title": ["can't be blank"]}})


def _labels(store: Any, project: Record, issue: Record, params: dict[str, Any]) -> list[str]:
    before = list(issue["labels"])
    names = list(before)
    if "labels" in params:
        names = args.as_list(params["labels"])
    names += [n for n in args.as_list(params.get("add_labels")) if n not in names]
    removed = set(args.as_list(params.get("remove_labels")))
    names = list(dict.fromkeys(n for n in names if n not in removed))
    for name in names:
        db.ensure_label(store, project, name)  # GitLab creates labels named on an issue
    issue["labels"] = names
    notes = []
    added = [n for n in names if n not in before]
    dropped = [n for n in before if n not in names]
    for verb, changed in (("added", added), ("removed", dropped)):
        if changed:
            noun = "label" if len(changed) == 1 else "labels"
            notes.append(f"{verb} " + " ".join(f'~"{n}"' for n in changed) + f" {noun}")
    return notes


def _milestone(project: Record, issue: Record, value: Any) -> list[str]:
    if value in (None, "", 0, "0"):
        wanted = None
    else:
        wanted = args.as_int(value, "milestone_id")
        if str(wanted) not in project["milestones"]:
            return []  # GitLab silently drops a milestone that is not the project's
    if wanted == issue["milestone_id"]:
        return []
    issue["milestone_id"] = wanted
    if wanted is None:
        return ["removed milestone"]
    return [f'changed milestone to %"{project["milestones"][str(wanted)]["title"]}"']


def _assignees(store: Any, issue: Record, params: dict[str, Any]) -> list[str]:
    if "assignee_ids" in params:
        wanted = args.as_int_list(params["assignee_ids"], "assignee_ids")
    else:
        wanted = args.as_int_list(params["assignee_id"], "assignee_id")
    known = [uid for uid in dict.fromkeys(wanted) if db.user_by_id(store, uid) is not None]
    if known == issue["assignee_ids"]:
        return []
    issue["assignee_ids"] = known
    names = [f"@{db.user_by_id(store, uid)['username']}" for uid in known]  # type: ignore[index]
    return ["assigned to " + ", ".join(names)] if names else ["removed assignee"]


def _state(store: Any, issue: Record, event: Any, user: Record) -> list[str]:
    if event not in STATE_EVENTS:
        raise ApiError(400, {"error": "state_event does not have a valid value"})
    state = STATE_EVENTS[str(event)]
    if issue["state"] == state:
        return []
    issue["state"] = state
    closing = state == "closed"
    issue["closed_at"] = store.clock.now() if closing else None
    issue["closed_by_id"] = user["id"] if closing else None
    return ["closed" if closing else "reopened"]


def apply(
    store: Any, project: Record, issue: Record, params: dict[str, Any], user: Record
) -> list[str]:
    """Apply every recognised parameter to `issue`; the system notes describing the change."""
    notes: list[str] = []
    if "title" in params:
        title = str(params["title"] or "").strip()
        if not title:
            raise _blank_title()
        if title != issue["title"]:
            notes.append(f"changed title from **{issue['title']}** to **{title}**")
            issue["title"] = title
    if "description" in params and params["description"] != issue["description"]:
        issue["description"] = params["description"]
        notes.append("changed the description")
    if {"labels", "add_labels", "remove_labels"} & params.keys():
        notes += _labels(store, project, issue, params)
    if "milestone_id" in params:
        notes += _milestone(project, issue, params["milestone_id"])
    if "assignee_ids" in params or "assignee_id" in params:
        notes += _assignees(store, issue, params)
    for flag in ("confidential", "discussion_locked"):
        if flag in params and params[flag] is not None:
            issue[flag] = args.as_bool(params[flag], flag)
    if "due_date" in params:
        issue["due_date"] = args.as_date(params["due_date"], "due_date")
    if "weight" in params:
        weight = params["weight"]
        issue["weight"] = None if weight in (None, "") else args.as_int(weight, "weight")
    if params.get("state_event") is not None:
        notes += _state(store, issue, params["state_event"], user)
    return notes


def new_issue(store: Any, project: Record, params: dict[str, Any], user: Record) -> Record:
    """A fresh issue with the next iid; iids are unique because callers hold the store lock."""
    title = str(args.required_str(params, "title")).strip()
    if not title:
        raise _blank_title()
    now = store.clock.now()
    issue: Record = {
        "id": 0,
        "iid": 0,
        "project_id": project["id"],
        "title": title,
        "description": None,
        "state": "opened",
        "created_at": now,
        "updated_at": now,
        "closed_at": None,
        "closed_by_id": None,
        "labels": [],
        "milestone_id": None,
        "assignee_ids": [],
        "author_id": user["id"],
        "confidential": False,
        "discussion_locked": None,
        "due_date": None,
        "weight": None,
        "notes": [],
    }
    apply(store, project, issue, {k: v for k, v in params.items() if k != "state_event"}, user)
    # Numbers are taken only once the parameters are known to be good, so no iid is skipped.
    issue["id"] = store.next_id()
    issue["iid"] = project["next_iid"]
    project["next_iid"] += 1
    project["issues"][str(issue["iid"])] = issue
    return issue
