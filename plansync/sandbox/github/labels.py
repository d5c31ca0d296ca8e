"""Repository labels (list, create, get, update, delete) and the labels of one issue."""

from __future__ import annotations

import re
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
LABELS = "/repos/{owner}/{repo}/labels"
ISSUE_LABELS = "/repos/{owner}/{repo}/issues/{number}/labels"


def _color(value: Any) -> str:
    color = str(value or "ededed").lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
        db.invalid("Label", "color")
    return color.lower()


@router.route("GET", LABELS)
def list_labels(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    page, headers = paginate(request, list(record["labels"].values()))
    view = View.of(request, store)
    return Response(200, [view.label(record, lab) for lab in page], headers)


def new_label(store: Store, record: dict[str, Any], body: Any) -> dict[str, Any]:
    """Validate a create-label body and store the label (shared by the route and the seeder)."""
    if not isinstance(body, dict) or not body.get("name"):
        db.invalid("Label", "name", "missing_field")
    if db.find_label(record, str(body["name"])) is not None:
        db.invalid("Label", "name", "already_exists")
    label = {
        "id": store.next_id(),
        "name": str(body["name"]),
        "color": _color(body.get("color")),
        "description": body.get("description"),
    }
    record["labels"][str(label["id"])] = label
    return label


@router.route("POST", LABELS)
def create_label(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    label = new_label(store, record, request.json())
    rendered = View.of(request, store).label(record, label)
    return Response(201, rendered, {"Location": rendered["url"]})


@router.route("GET", LABELS + "/{name}")
def get_label(request: Request, store: Store, owner: str, repo: str, name: str) -> Response:
    record = db.repo(store, owner, repo)
    return Response(200, View.of(request, store).label(record, db.label(record, name)))


@router.route("PATCH", LABELS + "/{name}")
def update_label(request: Request, store: Store, owner: str, repo: str, name: str) -> Response:
    record = db.repo(store, owner, repo)
    label = db.label(record, name)
    body = request.json() or {}
    new_name = body.get("new_name") or body.get("name")
    renamed = new_name and str(new_name).lower() != label["name"].lower()
    if renamed and db.find_label(record, str(new_name)) is not None:
        db.invalid("Label", "name", "already_exists")
    if new_name:
        label["name"] = str(new_name)
    if "color" in body:
        label["color"] = _color(body["color"])
    if "description" in body:
        label["description"] = body["description"]
    return Response(200, View.of(request, store).label(record, label))


@router.route("DELETE", LABELS + "/{name}")
def delete_label(request: Request, store: Store, owner: str, repo: str, name: str) -> Response:
    record = db.repo(store, owner, repo)
    label = db.label(record, name)
    del record["labels"][str(label["id"])]
    for issue in record["issues"]:
        if label["id"] in issue["labels"]:
            issue["labels"].remove(label["id"])
    return Response(204)


def _issue_labels(
    request: Request, store: Store, record: dict[str, Any], issue: dict[str, Any]
) -> Any:
    view = View.of(request, store)
    return [view.label(record, lab) for lab in db.issue_labels(record, issue)]


def _names(request: Request) -> list[str]:
    """Label names from a bare JSON array (what PyGithub sends) or {"labels": [...]}."""
    body = request.json()
    if isinstance(body, dict):
        body = body.get("labels", [])
    if not isinstance(body, list):
        db.invalid("Label", "labels")
    return [item["name"] if isinstance(item, dict) else str(item) for item in body]


@router.route("GET", ISSUE_LABELS)
def issue_labels(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    page, headers = paginate(request, _issue_labels(request, store, record, issue))
    return Response(200, page, headers)


def _change(request: Request, store: Store, owner: str, repo: str, number: str, add: bool) -> Any:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    ids = [db.ensure_label(store, record, name)["id"] for name in _names(request)]
    issue["labels"] = list(dict.fromkeys((issue["labels"] if add else []) + ids))
    db.touch(store, issue)
    return _issue_labels(request, store, record, issue)


@router.route("POST", ISSUE_LABELS)
def add_labels(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    return Response(200, _change(request, store, owner, repo, number, add=True))


@router.route("PUT", ISSUE_LABELS)
def set_labels(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    return Response(200, _change(request, store, owner, repo, number, add=False))


@router.route("DELETE", ISSUE_LABELS)
def clear_labels(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    issue["labels"] = []
    db.touch(store, issue)
    return Response(204)


@router.route("DELETE", ISSUE_LABELS + "/{name}")
def remove_label(
    request: Request, store: Store, owner: str, repo: str, number: str, name: str
) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    label = db.find_label(record, name)
    if label is None or label["id"] not in issue["labels"]:
        raise ApiError(404, {"message": "Label does not exist", "documentation_url": db.DOCS})
    issue["labels"].remove(label["id"])
    db.touch(store, issue)
    return Response(200, _issue_labels(request, store, record, issue))
