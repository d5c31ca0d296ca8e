"""Milestones: list (state, sort, direction), create, get, update, delete, and their labels."""

from __future__ import annotations

import re
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import choice, paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
MILESTONES = "/repos/{owner}/{repo}/milestones"
ONE = MILESTONES + "/{number}"


def _due_on(value: Any) -> str | None:
    """GitHub keeps only the date of `due_on` (it accepts a bare date too, as PyGithub sends)."""
    if value in (None, ""):
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", str(value))
    if not match:
        db.invalid("Milestone", "due_on")
    return f"{match.group(1)}T07:00:00Z"


def _apply(store: Store, record: dict[str, Any], ms: dict[str, Any], body: dict[str, Any]) -> None:
    if "title" in body:
        if not body["title"]:
            db.invalid("Milestone", "title", "missing_field")
        title = str(body["title"])
        clash = [m for m in record["milestones"].values() if m["title"] == title and m is not ms]
        if clash:
            db.invalid("Milestone", "title", "already_exists")
        ms["title"] = title
    if "description" in body:
        ms["description"] = body["description"]
    if "due_on" in body:
        ms["due_on"] = _due_on(body["due_on"])
    if "state" in body:
        if body["state"] not in ("open", "closed"):
            db.invalid("Milestone", "state")
        if body["state"] != ms["state"]:
            ms["closed_at"] = db.now(store) if body["state"] == "closed" else None
        ms["state"] = body["state"]


def _sort_key(counts: dict[int, tuple[int, int]], sort: str) -> Any:
    def key(ms: dict[str, Any]) -> Any:
        if sort == "completeness":
            opened, closed = counts.get(ms["number"], (0, 0))
            return (closed / ((opened + closed) or 1), ms["number"])
        # Milestones without a due date come last, as on GitHub.
        return (ms.get("due_on") is None, ms.get("due_on") or "", ms["number"])

    return key


@router.route("GET", MILESTONES)
def list_milestones(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    state = choice(request, "state", ("open", "closed", "all"), "open")
    # GitHub also accepts sort=due_date (PyGithub's recordings send it), meaning due_on.
    sort = choice(request, "sort", ("due_on", "due_date", "completeness"), "due_on")
    direction = choice(request, "direction", ("asc", "desc"), "asc")
    chosen = [m for m in record["milestones"].values() if state in ("all", m["state"])]
    chosen.sort(key=_sort_key(db.milestone_counts(record), sort), reverse=direction == "desc")
    page, headers = paginate(request, chosen)
    view = View.of(request, store)
    return Response(200, [view.milestone(record, m) for m in page], headers)


def new_milestone(
    store: Store, record: dict[str, Any], body: Any, creator: str | None = None
) -> dict[str, Any]:
    """Validate a create-milestone body and store it (shared by the route and the seeder)."""
    if not isinstance(body, dict) or not body.get("title"):
        db.invalid("Milestone", "title", "missing_field")
    stamp = db.now(store)
    ms: dict[str, Any] = {
        "id": store.next_id(),
        "number": record["next_milestone"],
        "title": "",
        "description": None,
        "state": "open",
        "due_on": None,
        "creator": creator or db.login(store),
        "created_at": stamp,
        "updated_at": stamp,
        "closed_at": None,
    }
    _apply(store, record, ms, body)
    record["next_milestone"] += 1
    record["milestones"][str(ms["number"])] = ms
    return ms


@router.route("POST", MILESTONES)
def create_milestone(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    ms = new_milestone(store, record, request.json(), db.actor(request, store))
    rendered = View.of(request, store).milestone(record, ms)
    return Response(201, rendered, {"Location": rendered["url"]})


@router.route("GET", ONE)
def get_milestone(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    return Response(200, View.of(request, store).milestone(record, db.milestone(record, number)))


@router.route("PATCH", ONE)
def update_milestone(
    request: Request, store: Store, owner: str, repo: str, number: str
) -> Response:
    record = db.repo(store, owner, repo)
    ms = db.milestone(record, number)
    body = request.json()
    if not isinstance(body, dict):
        db.invalid("Milestone", "body")
    _apply(store, record, ms, body)
    db.touch(store, ms)
    return Response(200, View.of(request, store).milestone(record, ms))


@router.route("DELETE", ONE)
def delete_milestone(
    request: Request, store: Store, owner: str, repo: str, number: str
) -> Response:
    record = db.repo(store, owner, repo)
    ms = db.milestone(record, number)
    del record["milestones"][str(ms["number"])]
    for issue in record["issues"]:
        if issue.get("milestone") == ms["number"]:
            issue["milestone"] = None
    return Response(204)


@router.route("GET", ONE + "/labels")
def milestone_labels(
    request: Request, store: Store, owner: str, repo: str, number: str
) -> Response:
    record = db.repo(store, owner, repo)
    ms = db.milestone(record, number)
    ids: dict[int, None] = {}
    for issue in record["issues"]:
        if issue.get("milestone") == ms["number"]:
            ids.update(dict.fromkeys(issue["labels"]))
    labels = [record["labels"][str(i)] for i in ids if str(i) in record["labels"]]
    page, headers = paginate(request, labels)
    view = View.of(request, store)
    return Response(200, [view.label(record, lab) for lab in page], headers)
