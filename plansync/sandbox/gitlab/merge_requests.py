"""Merge requests: open one (`POST .../merge_requests`: source_branch, target_branch, title,
description), list them (`state`, `source_branch`, `target_branch`), read and edit one, with
GitLab's 409 for a second open merge request from the same source branch.

Merging is left to a person (the sandbox has no merge); authors are recorded.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, auth, db, paging
from plansync.sandbox.gitlab.render import Urls, iso, project_web, user
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
STATES = ("opened", "closed", "locked", "merged", "all")


def _requests(project: Record) -> dict[str, Record]:
    found: dict[str, Record] = project.setdefault("merge_requests", {})
    return found


def _by_iid(project: Record, iid: str) -> Record:
    found = _requests(project).get(iid)
    if found is None:
        raise ApiError(404, {"message": "404 Not found"})
    return found


def shape(store: Any, urls: Urls, project: Record, mr: Record) -> Record:
    path = project["path_with_namespace"]
    author = user(urls, db.user_by_id(store, mr["author_id"]))
    return {
        "id": mr["id"],
        "iid": mr["iid"],
        "project_id": project["id"],
        "title": mr["title"],
        "description": mr["description"],
        "state": mr["state"],
        "created_at": iso(mr["created_at"]),
        "updated_at": iso(mr["updated_at"]),
        "merged_by": None,
        "merge_user": None,
        "merged_at": None,
        "closed_by": None,
        "closed_at": iso(mr.get("closed_at")),
        "target_branch": mr["target_branch"],
        "source_branch": mr["source_branch"],
        "user_notes_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "author": author,
        "assignees": [],
        "assignee": None,
        "reviewers": [],
        "source_project_id": project["id"],
        "target_project_id": project["id"],
        "labels": [],
        "draft": False,
        "work_in_progress": False,
        "milestone": None,
        "merge_when_pipeline_succeeds": False,
        "merge_status": "can_be_merged",
        "detailed_merge_status": "mergeable",
        "sha": project["repo"]["branches"].get(mr["source_branch"]),
        "merge_commit_sha": None,
        "squash_commit_sha": None,
        "discussion_locked": None,
        "should_remove_source_branch": None,
        "force_remove_source_branch": False,
        "reference": f"!{mr['iid']}",
        "references": {
            "short": f"!{mr['iid']}",
            "relative": f"!{mr['iid']}",
            "full": f"{path}!{mr['iid']}",
        },
        "web_url": f"{project_web(urls, project)}/-/merge_requests/{mr['iid']}",
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "squash": False,
        "squash_on_merge": False,
        "task_completion_status": {"count": 0, "completed_count": 0},
        "has_conflicts": False,
        "blocking_discussions_resolved": True,
    }


def create_merge_request(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    params = request.params()
    source = args.required_str(params, "source_branch")
    target = args.required_str(params, "target_branch")
    title = args.required_str(params, "title")
    for name in (source, target):
        if name not in record["repo"]["branches"]:
            raise ApiError(400, {"message": [f'Branch "{name}" does not exist']})
    if source == target:
        raise ApiError(
            400, {"message": ["You can't use same project/branch for source and target"]}
        )
    for mr in _requests(record).values():
        if mr["source_branch"] == source and mr["state"] == "opened":
            message = (
                f"Another open merge request already exists for this source branch: !{mr['iid']}"
            )
            raise ApiError(409, {"message": [message]})
    iid = int(record.get("next_mr_iid", 1))
    record["next_mr_iid"] = iid + 1
    now = store.clock.now()
    mr = {
        "id": store.next_id(),
        "iid": iid,
        "title": title,
        "description": str(params.get("description") or ""),
        "state": "opened",
        "source_branch": source,
        "target_branch": target,
        "author_id": auth.authenticate(request, store)["id"],
        "created_at": now,
        "updated_at": now,
    }
    _requests(record)[str(iid)] = mr
    return Response(201, shape(store, Urls.of(request), record, mr))


def list_merge_requests(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    state = args.first(request.query, "state") or "all"
    if state not in STATES:
        raise args.invalid("state")
    found = [mr for mr in _requests(record).values() if state in ("all", mr["state"])]
    for name in ("source_branch", "target_branch"):
        wanted = args.first(request.query, name)
        if wanted is not None:
            found = [mr for mr in found if mr[name] == wanted]
    found.sort(key=lambda mr: mr["iid"], reverse=True)  # GitLab's default: newest first
    urls = Urls.of(request)
    page, headers = paging.paginate(found, urls.api + request.path, request.query)
    return Response(200, [shape(store, urls, record, mr) for mr in page], headers)


def get_merge_request(request: Request, store: Any, project: str, iid: str) -> Response:
    record = db.project_by_ref(store, project)
    return Response(200, shape(store, Urls.of(request), record, _by_iid(record, iid)))


def update_merge_request(request: Request, store: Any, project: str, iid: str) -> Response:
    record = db.project_by_ref(store, project)
    mr = _by_iid(record, iid)
    params = request.params()
    for name in ("title", "description"):
        if params.get(name) is not None:
            mr[name] = str(params[name])
    event = params.get("state_event")
    if event not in (None, "close", "reopen"):
        raise args.invalid("state_event")
    if event is not None:
        mr["state"] = "closed" if event == "close" else "opened"
        mr["closed_at"] = store.clock.now() if event == "close" else None
    mr["updated_at"] = store.clock.now()
    return Response(200, shape(store, Urls.of(request), record, mr))


MRS = "/projects/{project}/merge_requests"
ROUTES = [
    ("POST", MRS, create_merge_request, "api"),
    ("GET", MRS, list_merge_requests, "api"),
    ("GET", MRS + "/{iid}", get_merge_request, "api"),
    ("PUT", MRS + "/{iid}", update_merge_request, "api"),
]
