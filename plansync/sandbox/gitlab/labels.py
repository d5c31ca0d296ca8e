"""Project labels: list, get, create, update (by id, by name, or with the name in the body),
delete. Renaming or deleting a label changes the issues that carry it."""

from __future__ import annotations

import re
from typing import Any

from plansync.sandbox.gitlab import args, db, paging, render
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]+)$")


def _color(value: Any) -> str:
    color = str(value or "").strip()
    if not _COLOR.match(color):
        raise ApiError(400, {"message": {"color": ["must be a valid color code"]}})
    return color


def _priority(value: Any) -> int | None:
    return None if value in (None, "") else args.as_int(value, "priority")


def list_labels(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    labels = sorted(record["labels"].values(), key=lambda label: label["name"].lower())
    if search := (request.arg("search") or "").lower():
        labels = [label for label in labels if search in label["name"].lower()]
    urls = Urls.of(request)
    page, headers = paging.paginate(labels, urls.api + request.path, request.query)
    return Response(200, [render.label(record, label) for label in page], headers)


def get_label(request: Request, store: Any, project: str, label_id: str) -> Response:
    record = db.project_by_ref(store, project)
    return Response(200, render.label(record, db.label_by_ref(record, label_id)))


def create_label(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    params = request.params()
    name = args.required_str(params, "name").strip()
    color = _color(args.required_str(params, "color"))
    if not name:
        raise ApiError(400, {"message": {"title": ["can't be blank"]}})
    if db.label_by_name(record, name) is not None:
        raise ApiError(409, {"message": "Label already exists"})
    label = db.ensure_label(store, record, name, color)
    label["description"] = params.get("description")
    label["priority"] = _priority(params.get("priority"))
    return Response(201, render.label(record, label))


def _rename(record: Record, label: Record, new_name: str) -> None:
    if not new_name:
        raise ApiError(400, {"message": {"title": ["can't be blank"]}})
    if new_name != label["name"] and db.label_by_name(record, new_name) is not None:
        raise ApiError(409, {"message": "Label already exists"})
    for issue in record["issues"].values():
        issue["labels"] = [new_name if n == label["name"] else n for n in issue["labels"]]
    label["name"] = new_name


def _update(record: Record, label: Record, params: dict[str, Any]) -> Response:
    changes = ("new_name", "color", "description", "priority")
    if not any(key in params for key in changes):
        raise ApiError(
            400,
            {
                "error": "new_name, color, description, priority are missing, "
                "at least one parameter must be provided"
            },
        )
    if "new_name" in params:
        _rename(record, label, str(params["new_name"] or "").strip())
    if "color" in params:
        label["color"] = _color(params["color"])
    if "description" in params:
        label["description"] = params["description"]
    if "priority" in params:
        label["priority"] = _priority(params["priority"])
    return Response(200, render.label(record, label))


def update_label(request: Request, store: Any, project: str, label_id: str) -> Response:
    record = db.project_by_ref(store, project)
    return _update(record, db.label_by_ref(record, label_id), request.params())


def update_label_by_body(request: Request, store: Any, project: str) -> Response:
    """`PUT /projects/:id/labels` with `name` (or `label_id`) in the body: python-gitlab's save."""
    record = db.project_by_ref(store, project)
    params = request.params()
    ref = params.get("label_id") or params.get("name")
    if ref is None:
        raise ApiError(
            400, {"error": "label_id, name are missing, exactly one parameter must be provided"}
        )
    return _update(record, db.label_by_ref(record, str(ref)), params)


def _delete(record: Record, label: Record) -> Response:
    for issue in record["issues"].values():
        issue["labels"] = [n for n in issue["labels"] if n != label["name"]]
    del record["labels"][str(label["id"])]
    return Response(204)


def delete_label(request: Request, store: Any, project: str, label_id: str) -> Response:
    record = db.project_by_ref(store, project)
    return _delete(record, db.label_by_ref(record, label_id))


def delete_label_by_query(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    params = request.params()
    ref = params.get("label_id") or params.get("name")
    if ref is None:
        raise ApiError(
            400, {"error": "label_id, name are missing, exactly one parameter must be provided"}
        )
    return _delete(record, db.label_by_ref(record, str(ref)))


LABELS = "/projects/{project}/labels"
ROUTES = [
    ("GET", LABELS, list_labels, "api"),
    ("POST", LABELS, create_label, "api"),
    ("PUT", LABELS, update_label_by_body, "api"),
    ("DELETE", LABELS, delete_label_by_query, "api"),
    ("GET", LABELS + "/{label_id}", get_label, "api"),
    ("PUT", LABELS + "/{label_id}", update_label, "api"),
    ("DELETE", LABELS + "/{label_id}", delete_label, "api"),
]
