"""JSON shapes of GitLab REST v4 objects, from stored records; every URL from the request's host.

Field sets follow GitLab's own response schemas (spec/fixtures/api/schemas/public_api/v4) and
real gitlab.com answers to python-gitlab (the ogr recordings); where a schema forbids extra
fields (notes, milestones, users inside issues) only its fields are sent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from plansync.sandbox.gitlab import db
from plansync.sandbox.http import Request

Record = dict[str, Any]
_TASK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX~])\]", re.MULTILINE)


@dataclass(frozen=True)
class Urls:
    """The two roots URLs are built on: the API (`/api/v4`) and the web UI."""

    api: str
    web: str

    @classmethod
    def of(cls, request: Request) -> Urls:
        return cls(api=request.base_url + (request.prefix or "/api/v4"), web=request.base_url)


def iso(epoch: float | None) -> str | None:
    """GitLab's timestamp format: UTC, milliseconds, `Z`."""
    if epoch is None:
        return None
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user(urls: Urls, record: Record | None) -> Record | None:
    """The short user object inside issues and notes (exactly the schema's six fields)."""
    if record is None:
        return None
    return {
        "id": record["id"],
        "username": record["username"],
        "name": record["name"],
        "state": "active",
        "avatar_url": f"{urls.web}/uploads/-/system/user/avatar/{record['id']}/avatar.png",
        "web_url": f"{urls.web}/{record['username']}",
    }


def current_user(urls: Urls, record: Record) -> Record:
    """`GET /user`: the short object plus the profile fields real clients read."""
    short = user(urls, record) or {}
    return short | {
        "locked": False,
        "created_at": iso(record["created_at"]),
        "bio": "",
        "public_email": "",
        "email": f"{record['username']}@sandbox.invalid",
        "is_admin": False,
        "can_create_group": True,
        "can_create_project": True,
        "two_factor_enabled": False,
        "external": False,
        "private_profile": False,
        "bot": False,
    }


def project_web(urls: Urls, project: Record) -> str:
    return f"{urls.web}/{project['path_with_namespace']}"


def milestone(urls: Urls, project: Record, record: Record, now: float | None = None) -> Record:
    """A project milestone; `expired` (as of `now`) only inside issues, where GitLab's schema
    allows it: the milestone schema forbids extra fields."""
    shaped: Record = {
        "id": record["id"],
        "iid": record["iid"],
        "project_id": project["id"],
        "group_id": None,
        "title": record["title"],
        "description": record["description"],
        "state": record["state"],
        "created_at": iso(record["created_at"]),
        "updated_at": iso(record["updated_at"]),
        "due_date": record["due_date"],
        "start_date": record["start_date"],
        "web_url": f"{project_web(urls, project)}/-/milestones/{record['iid']}",
    }
    if now is not None:
        due = record["due_date"]
        shaped["expired"] = bool(due) and due < (iso(now) or "")[:10]
    return shaped


def text_color(color: str) -> str:
    """White on dark backgrounds and dark on light ones, as GitLab chooses it."""
    hexa = color.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    try:
        red, green, blue = (int(hexa[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#FFFFFF"
    return "#1F1E24" if (red * 299 + green * 587 + blue * 114) / 1000 > 150 else "#FFFFFF"


def label(project: Record, record: Record) -> Record:
    opened = closed = 0
    for issue in project["issues"].values():
        if record["name"] in issue["labels"]:
            opened += issue["state"] == "opened"
            closed += issue["state"] == "closed"
    return {
        "id": record["id"],
        "name": record["name"],
        "color": record["color"],
        "text_color": text_color(record["color"]),
        "description": record["description"],
        "description_html": record["description"] or "",
        "open_issues_count": opened,
        "closed_issues_count": closed,
        "open_merge_requests_count": 0,
        "subscribed": False,
        "priority": record["priority"],
        "is_project_label": True,
    }


def tasks(description: str | None) -> Record:
    """Markdown task-list items, as GitLab counts them for `task_completion_status`."""
    marks = _TASK.findall(description or "")
    return {"count": len(marks), "completed_count": sum(m in "xX" for m in marks)}


def blocking_count(store: Any, issue: Record) -> int:
    """Open issues this one blocks (links are stored with `blocks` from blocker to blocked)."""
    count = 0
    for link in db.root(store)["links"].values():
        if link["link_type"] == "blocks" and link["source"] == [issue["project_id"], issue["iid"]]:
            target = db.root(store)["projects"][str(link["target"][0])]["issues"]
            count += target[str(link["target"][1])]["state"] == "opened"
    return count


def issue(store: Any, urls: Urls, record: Record) -> Record:
    project = db.project_of(store, record)
    path = project["path_with_namespace"]
    api = f"{urls.api}/projects/{project['id']}/issues/{record['iid']}"
    milestone_record = project["milestones"].get(str(record["milestone_id"]))
    now = store.clock.now()
    assignees = [user(urls, db.user_by_id(store, uid)) for uid in record["assignee_ids"]]
    task_status = tasks(record["description"])
    return {
        "id": record["id"],
        "iid": record["iid"],
        "project_id": project["id"],
        "title": record["title"],
        "description": record["description"],
        "state": record["state"],
        "created_at": iso(record["created_at"]),
        "updated_at": iso(record["updated_at"]),
        "closed_at": iso(record["closed_at"]),
        "closed_by": user(urls, db.user_by_id(store, record["closed_by_id"])),
        "labels": sorted(record["labels"]),
        "milestone": milestone(urls, project, milestone_record, now) if milestone_record else None,
        "assignees": assignees,
        "assignee": assignees[0] if assignees else None,
        "author": user(urls, db.user_by_id(store, record["author_id"])),
        "type": "ISSUE",
        "issue_type": "issue",
        "user_notes_count": sum(not note["system"] for note in record["notes"]),
        "merge_requests_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "due_date": record["due_date"],
        "confidential": record["confidential"],
        "discussion_locked": record["discussion_locked"],
        "web_url": f"{urls.web}/{path}/-/issues/{record['iid']}",
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "task_completion_status": task_status,
        "has_tasks": task_status["count"] > 0,
        "weight": record["weight"],
        "blocking_issues_count": blocking_count(store, record),
        "moved_to_id": None,
        "health_status": None,
        "service_desk_reply_to": None,
        "severity": "UNKNOWN",
        "subscribed": True,
        "_links": {
            "self": api,
            "notes": f"{api}/notes",
            "award_emoji": f"{api}/award_emoji",
            "project": f"{urls.api}/projects/{project['id']}",
            "closed_as_duplicate_of": None,
        },
        "references": {
            "short": f"#{record['iid']}",
            "relative": f"#{record['iid']}",
            "full": f"{path}#{record['iid']}",
        },
    }


def note(store: Any, urls: Urls, issue_record: Record, record: Record) -> Record:
    """An issue note; GitLab's notes schema forbids any field beyond these."""
    return {
        "id": record["id"],
        "type": None,
        "body": record["body"],
        "attachment": None,
        "author": user(urls, db.user_by_id(store, record["author_id"])),
        "created_at": iso(record["created_at"]),
        "updated_at": iso(record["updated_at"]),
        "system": record["system"],
        "noteable_id": issue_record["id"],
        "noteable_iid": issue_record["iid"],
        "noteable_type": "Issue",
        "resolvable": False,
        "confidential": False,
        "internal": False,
        "commands_changes": {},
    }


def project(store: Any, urls: Urls, record: Record) -> Record:
    path = record["path_with_namespace"]
    namespace, _, name = path.rpartition("/")
    web = project_web(urls, record)
    api = f"{urls.api}/projects/{record['id']}"
    opened = sum(issue["state"] == "opened" for issue in record["issues"].values())
    return {
        "id": record["id"],
        "name": name,
        "path": name,
        "name_with_namespace": f"{namespace} / {name}",
        "path_with_namespace": path,
        "description": "",
        "default_branch": record["default_branch"],
        "visibility": "private",
        "created_at": iso(record["created_at"]),
        "last_activity_at": iso(record["created_at"]),
        "creator_id": record["creator_id"],
        "web_url": web,
        "http_url_to_repo": f"{web}.git",
        "ssh_url_to_repo": f"git@sandbox.invalid:{path}.git",
        "readme_url": None,
        "avatar_url": None,
        "archived": False,
        "empty_repo": not record["repo"]["branches"],
        "issues_enabled": True,
        "issues_access_level": "enabled",
        "open_issues_count": opened,
        "namespace": {
            "id": record["namespace_id"],
            "name": namespace.rpartition("/")[2],
            "path": namespace.rpartition("/")[2],
            "kind": "group",
            "full_path": namespace,
            "parent_id": None,
            "avatar_url": None,
            "web_url": f"{urls.web}/groups/{namespace}",
        },
        "permissions": {
            "project_access": {"access_level": 40, "notification_level": 3},
            "group_access": None,
        },
        "_links": {
            "self": api,
            "issues": f"{api}/issues",
            "labels": f"{api}/labels",
            "events": f"{api}/events",
            "members": f"{api}/members",
            "merge_requests": f"{api}/merge_requests",
            "repo_branches": f"{api}/repository/branches",
        },
    }
