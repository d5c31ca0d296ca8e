"""Issue notes: list (sort/order_by, paginated), create, get, edit, delete; and system notes."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, auth, db, paging, render
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record


def add_note(store: Any, issue: Record, author_id: int, body: str, system: bool = False) -> Record:
    now = store.clock.now()
    note: Record = {
        "id": store.next_id(),
        "body": body,
        "author_id": author_id,
        "created_at": now,
        "updated_at": now,
        "system": system,
    }
    issue["notes"].append(note)
    issue["updated_at"] = now  # a note touches its issue, as on GitLab
    return note


def _note(issue: Record, note_id: str) -> Record:
    for note in issue["notes"]:
        if str(note["id"]) == note_id:
            found: Record = note
            return found
    raise ApiError(404, {"message": "404 Note Not Found"})


def _issue(store: Any, project: str, iid: str) -> Record:
    return db.issue_by_iid(db.project_by_ref(store, project), iid)


def list_notes(request: Request, store: Any, project: str, iid: str) -> Response:
    issue = _issue(store, project, iid)
    order_by = request.arg("order_by") or "created_at"
    sort = request.arg("sort") or "desc"
    if order_by not in ("created_at", "updated_at"):
        raise ApiError(400, {"error": "order_by does not have a valid value"})
    if sort not in ("asc", "desc"):
        raise ApiError(400, {"error": "sort does not have a valid value"})
    notes = sorted(issue["notes"], key=lambda n: (n[order_by], n["id"]), reverse=sort == "desc")
    urls = Urls.of(request)
    page, headers = paging.paginate(notes, urls.api + request.path, request.query)
    return Response(200, [render.note(store, urls, issue, n) for n in page], headers)


def get_note(request: Request, store: Any, project: str, iid: str, note_id: str) -> Response:
    issue = _issue(store, project, iid)
    return Response(200, render.note(store, Urls.of(request), issue, _note(issue, note_id)))


def _body(request: Request) -> str:
    body = args.required_str(request.params(), "body")
    if not body.strip():
        raise ApiError(400, {"message": {"note": ["can't be blank"]}})
    return body


def create_note(request: Request, store: Any, project: str, iid: str) -> Response:
    user = auth.authenticate(request, store)
    issue = _issue(store, project, iid)
    note = add_note(store, issue, user["id"], _body(request))
    return Response(201, render.note(store, Urls.of(request), issue, note))


def update_note(request: Request, store: Any, project: str, iid: str, note_id: str) -> Response:
    issue = _issue(store, project, iid)
    note = _note(issue, note_id)
    if note["system"]:
        raise ApiError(403, {"message": "403 Forbidden"})
    body = _body(request)
    if body != note["body"]:
        note["body"] = body
        note["updated_at"] = issue["updated_at"] = store.clock.now()
    return Response(200, render.note(store, Urls.of(request), issue, note))


def delete_note(request: Request, store: Any, project: str, iid: str, note_id: str) -> Response:
    issue = _issue(store, project, iid)
    issue["notes"].remove(_note(issue, note_id))
    return Response(204)


NOTE = "/projects/{project}/issues/{iid}/notes/{note_id}"
ROUTES = [
    ("GET", "/projects/{project}/issues/{iid}/notes", list_notes, "api"),
    ("POST", "/projects/{project}/issues/{iid}/notes", create_note, "note_create"),
    ("GET", NOTE, get_note, "api"),
    ("PUT", NOTE, update_note, "api"),
    ("DELETE", NOTE, delete_note, "api"),
]
