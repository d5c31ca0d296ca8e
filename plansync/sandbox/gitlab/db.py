"""GitLab's slice of the store: `store.data["gitlab"]` as plain JSON-able dicts, and lookups.

Layout: `users` and `projects` by str(id); `paths` maps "namespace/project" to a project id;
each project holds `issues` (by str(iid), notes inside), `labels` and `milestones` (by str(id))
and `repo`; `links` (by str(id)) are global because they may cross projects; `rate` holds the
rate-limit windows per user. Callers hold `store.lock`.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.http import ApiError

Record = dict[str, Any]
DEFAULT_USERNAME = "sandbox-user"


def root(store: Any) -> Record:
    data: Record = store.data.setdefault("gitlab", {})
    for key in ("users", "projects", "paths", "namespaces", "links", "rate"):
        data.setdefault(key, {})
    return data


def current_user(store: Any) -> Record:
    """The user every valid token belongs to, created on first use."""
    data = root(store)
    user_id = data.get("current_user_id")
    if user_id is None or str(user_id) not in data["users"]:
        user_id = store.next_id()
        data["users"][str(user_id)] = {
            "id": user_id,
            "username": DEFAULT_USERNAME,
            "name": "Sandbox User",
            "created_at": store.clock.now(),
        }
        data["current_user_id"] = user_id
    user: Record = data["users"][str(user_id)]
    return user


def user_by_username(store: Any, username: str) -> Record:
    """An account's user, made on first use (the default user is `current_user`)."""
    users = root(store)["users"]
    for user in users.values():
        if user["username"].lower() == username.lower():
            found: Record = user
            return found
    user_id = store.next_id()
    users[str(user_id)] = {
        "id": user_id,
        "username": username,
        "name": username,
        "created_at": store.clock.now(),
    }
    made: Record = users[str(user_id)]
    return made


def user_by_id(store: Any, user_id: int | None) -> Record | None:
    if user_id is None:
        return None
    user: Record | None = root(store)["users"].get(str(user_id))
    return user


def ensure_namespace(store: Any, path: str) -> Record:
    namespaces = root(store)["namespaces"]
    if path not in namespaces:
        namespaces[path] = {"id": store.next_id(), "path": path}
    namespace: Record = namespaces[path]
    return namespace


def ensure_project(store: Any, path: str) -> Record:
    """The project at "namespace/project", created on first use as the sandbox promises."""
    data = root(store)
    if path in data["paths"]:
        project: Record = data["projects"][str(data["paths"][path])]
        return project
    namespace, _, name = path.rpartition("/")
    if not namespace or not name:
        raise ApiError(404, {"message": "404 Project Not Found"})
    project_id = store.next_id()
    project = {
        "id": project_id,
        "path_with_namespace": path,
        "namespace_id": ensure_namespace(store, namespace)["id"],
        "created_at": store.clock.now(),
        "default_branch": "main",
        "creator_id": current_user(store)["id"],
        "issues": {},
        "next_iid": 1,
        "labels": {},
        "milestones": {},
        "next_milestone_iid": 1,
        "repo": {"branches": {}, "commits": {}},
    }
    data["projects"][str(project_id)] = project
    data["paths"][path] = project_id
    return project


def project_by_ref(store: Any, ref: str) -> Record:
    """`:id` in a URL: a numeric id (must exist) or a "namespace/project" path (made on use)."""
    if ref.isdigit():
        found: Record | None = root(store)["projects"].get(ref)
        if found is None:
            raise ApiError(404, {"message": "404 Project Not Found"})
        return found
    return ensure_project(store, ref.strip("/"))


def issue_by_iid(project: Record, iid: str | int) -> Record:
    issue: Record | None = project["issues"].get(str(iid))
    if issue is None:
        raise ApiError(404, {"message": "404 Issue Not Found"})
    return issue


def project_of(store: Any, issue: Record) -> Record:
    project: Record = root(store)["projects"][str(issue["project_id"])]
    return project


def label_by_name(project: Record, name: str) -> Record | None:
    for label in project["labels"].values():
        if label["name"] == name:
            found: Record = label
            return found
    return None


def label_by_ref(project: Record, ref: str) -> Record:
    """`:label_id` in a URL: a label id or its name, as GitLab accepts both."""
    label: Record | None = project["labels"].get(ref) if ref.isdigit() else None
    label = label or label_by_name(project, ref)
    if label is None:
        raise ApiError(404, {"message": "404 Label Not Found"})
    return label


DEFAULT_LABEL_COLOR = "#6699cc"  # what GitLab gives a label created by naming it on an issue


def ensure_label(store: Any, project: Record, name: str, color: str | None = None) -> Record:
    label = label_by_name(project, name)
    if label is None:
        label_id = store.next_id()
        label = {
            "id": label_id,
            "name": name,
            "color": color or DEFAULT_LABEL_COLOR,
            "description": None,
            "priority": None,
        }
        project["labels"][str(label_id)] = label
    return label


def milestone_by_id(project: Record, milestone_id: str | int) -> Record:
    milestone: Record | None = project["milestones"].get(str(milestone_id))
    if milestone is None:
        raise ApiError(404, {"message": "404 Milestone Not Found"})
    return milestone


def milestone_by_title(project: Record, title: str) -> Record | None:
    for milestone in project["milestones"].values():
        if milestone["title"] == title:
            found: Record = milestone
            return found
    return None
