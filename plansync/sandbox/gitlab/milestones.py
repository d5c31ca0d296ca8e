"""Project milestones: list (state, iids, title, search), get, create, update (with
`state_event` close|activate), delete, and the issues of a milestone."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, db, paging, render
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
STATE_EVENTS = {"close": "closed", "activate": "active"}


def _title_taken() -> ApiError:
    return ApiError(400, {"message": {"title": ["has already been taken"]}})


def list_milestones(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    found = sorted(record["milestones"].values(), key=lambda m: m["id"], reverse=True)
    state = request.arg("state")
    if state is not None and state not in ("active", "closed"):
        raise ApiError(400, {"error": "state does not have a valid value"})
    if state:
        found = [m for m in found if m["state"] == state]
    if iids := {args.as_int(v, "iids") for v in args.many(request.query, "iids")}:
        found = [m for m in found if m["iid"] in iids]
    if (title := request.arg("title")) is not None:
        found = [m for m in found if m["title"] == title]
    if search := (request.arg("search") or "").lower():
        found = [m for m in found if search in f"{m['title']}\n{m['description'] or ''}".lower()]
    urls = Urls.of(request)
    page, headers = paging.paginate(found, urls.api + request.path, request.query)
    return Response(200, [render.milestone(urls, record, m) for m in page], headers)


def get_milestone(request: Request, store: Any, project: str, milestone_id: str) -> Response:
    record = db.project_by_ref(store, project)
    milestone = db.milestone_by_id(record, milestone_id)
    return Response(200, render.milestone(Urls.of(request), record, milestone))


def _apply(record: Record, milestone: Record, params: dict[str, Any]) -> None:
    if "title" in params:
        title = str(params["title"] or "").strip()
        if not title:
            raise ApiError(400, {"message": {"title": ["can't be blank"]}})
        other = db.milestone_by_title(record, title)
        if other is not None and other is not milestone:
            raise _title_taken()
        milestone["title"] = title
    if "description" in params:
        milestone["description"] = params["description"]
    for name in ("due_date", "start_date"):
        if name in params:
            milestone[name] = args.as_date(params[name], name)
    event = params.get("state_event")
    if event is not None:
        if event not in STATE_EVENTS:
            raise ApiError(400, {"error": "state_event does not have a valid value"})
        milestone["state"] = STATE_EVENTS[event]


def create_milestone(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    params = request.params()
    args.required_str(params, "title")
    now = store.clock.now()
    milestone: Record = {
        "title": "",
        "description": None,
        "state": "active",
        "due_date": None,
        "start_date": None,
        "created_at": now,
        "updated_at": now,
    }
    _apply(record, milestone, params)
    milestone["id"] = store.next_id()
    milestone["iid"] = record["next_milestone_iid"]
    record["next_milestone_iid"] += 1
    record["milestones"][str(milestone["id"])] = milestone
    return Response(201, render.milestone(Urls.of(request), record, milestone))


def update_milestone(request: Request, store: Any, project: str, milestone_id: str) -> Response:
    record = db.project_by_ref(store, project)
    milestone = db.milestone_by_id(record, milestone_id)
    before = dict(milestone)
    _apply(record, milestone, request.params())
    if milestone != before:
        milestone["updated_at"] = store.clock.now()
    return Response(200, render.milestone(Urls.of(request), record, milestone))


def delete_milestone(request: Request, store: Any, project: str, milestone_id: str) -> Response:
    record = db.project_by_ref(store, project)
    milestone = db.milestone_by_id(record, milestone_id)
    for issue in record["issues"].values():
        if issue["milestone_id"] == milestone["id"]:
            issue["milestone_id"] = None
    del record["milestones"][str(milestone["id"])]
    return Response(204)


def milestone_issues(request: Request, store: Any, project: str, milestone_id: str) -> Response:
    record = db.project_by_ref(store, project)
    milestone = db.milestone_by_id(record, milestone_id)
    found = [i for i in record["issues"].values() if i["milestone_id"] == milestone["id"]]
    found.sort(key=lambda i: i["id"])
    urls = Urls.of(request)
    page, headers = paging.paginate(found, urls.api + request.path, request.query)
    return Response(200, [render.issue(store, urls, issue) for issue in page], headers)


MILESTONE = "/projects/{project}/milestones/{milestone_id}"
ROUTES = [
    ("GET", "/projects/{project}/milestones", list_milestones, "api"),
    ("POST", "/projects/{project}/milestones", create_milestone, "api"),
    ("GET", MILESTONE, get_milestone, "api"),
    ("PUT", MILESTONE, update_milestone, "api"),
    ("DELETE", MILESTONE, delete_milestone, "api"),
    ("GET", MILESTONE + "/issues", milestone_issues, "api"),
]
