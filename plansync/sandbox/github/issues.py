"""Repository issues: list (filters, sort, pages), get, create, update, assignees."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import as_list, choice, paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
ISSUE = "/repos/{owner}/{repo}/issues/{number}"
REASONS = ("completed", "not_planned", "duplicate", "reopened")


def _matches(repo: dict[str, Any], issue: dict[str, Any], request: Request) -> bool:
    state = choice(request, "state", ("open", "closed", "all"), "open")
    if state != "all" and issue["state"] != state:
        return False
    wanted = [w.strip().lower() for w in (request.arg("labels") or "").split(",") if w.strip()]
    names = {lab["name"].lower() for lab in db.issue_labels(repo, issue)}
    if not set(wanted) <= names:
        return False
    milestone = request.arg("milestone")
    if milestone == "none" and issue.get("milestone") is not None:
        return False
    if milestone == "*" and issue.get("milestone") is None:
        return False
    if milestone not in (None, "", "*", "none") and str(issue.get("milestone")) != milestone:
        return False
    for name, value in (("assignee", issue["assignees"]), ("creator", [issue["user"]])):
        wanted_user = request.arg(name)
        if wanted_user == "none" and value:
            return False
        if wanted_user not in (None, "", "*", "none") and wanted_user not in value:
            return False
    since = request.arg("since")
    return not since or issue["updated_at"] >= since.replace("+00:00", "Z")


@router.route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    sort = choice(request, "sort", ("created", "updated", "comments"), "created")
    direction = choice(request, "direction", ("asc", "desc"), "desc")
    chosen = [i for i in record["issues"] if _matches(record, i, request)]
    key = {"created": "created_at", "updated": "updated_at", "comments": "comments"}[sort]
    chosen.sort(key=lambda i: (i.get(key, 0), i["number"]), reverse=direction == "desc")
    page, headers = paginate(request, chosen)
    view = View.of(request, store)
    return Response(200, [view.issue(record, i) for i in page], headers)


@router.route("GET", ISSUE)
def get_issue(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    return Response(200, View.of(request, store).issue(record, db.issue(record, number)))


def _milestone(repo: dict[str, Any], value: Any) -> int | None:
    """A milestone number from a request; "" and null clear it (PyGithub sends "")."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        db.invalid("Issue", "milestone")
    if db.find_milestone(repo, number) is None:
        db.invalid("Issue", "milestone")
    return number


def _logins(body: dict[str, Any]) -> list[str] | None:
    if "assignees" in body:
        return [str(a) for a in as_list(body["assignees"]) if a]
    if "assignee" in body:
        return [str(body["assignee"])] if body["assignee"] else []
    return None


def _set_state(store: Store, issue: dict[str, Any], state: Any, reason: Any) -> None:
    if state not in ("open", "closed"):
        db.invalid("Issue", "state")
    if reason is not None and reason not in REASONS:
        db.invalid("Issue", "state_reason")
    if state == "closed":
        if issue["state"] != "closed":
            issue["closed_at"] = db.now(store)
            issue["closed_by"] = db.login(store)
        issue["state_reason"] = reason or issue.get("state_reason") or "completed"
    elif issue["state"] == "closed":
        issue["closed_at"] = None
        issue["closed_by"] = None
        issue["state_reason"] = "reopened"
    issue["state"] = state


def apply(store: Store, repo: dict[str, Any], issue: dict[str, Any], body: dict[str, Any]) -> None:
    if "title" in body:
        if not isinstance(body["title"], str | int) or str(body["title"]) == "":
            db.invalid("Issue", "title", "missing_field")
        issue["title"] = str(body["title"])
    if "body" in body:
        issue["body"] = body["body"]
    if "labels" in body:
        names = [
            lab["name"] if isinstance(lab, dict) else str(lab) for lab in as_list(body["labels"])
        ]
        issue["labels"] = [db.ensure_label(store, repo, name)["id"] for name in names]
    if "milestone" in body:
        issue["milestone"] = _milestone(repo, body["milestone"])
    logins = _logins(body)
    if logins is not None:
        issue["assignees"] = list(dict.fromkeys(logins))[:10]
    if "state" in body:
        _set_state(store, issue, body["state"], body.get("state_reason"))


def new_issue(store: Store, record: dict[str, Any], body: Any) -> dict[str, Any]:
    """Validate a create-issue body and store the issue (shared by the route and the seeder)."""
    if not isinstance(body, dict) or not body.get("title"):
        db.invalid("Issue", "title", "missing_field")
    stamp = db.now(store)
    issue: dict[str, Any] = {
        "title": "",
        "body": None,
        "state": "open",
        "state_reason": None,
        "labels": [],
        "assignees": [],
        "milestone": None,
        "user": db.login(store),
        "created_at": stamp,
        "updated_at": stamp,
        "closed_at": None,
        "closed_by": None,
        "comments": 0,
        "sub_issues": [],
        "blocked_by": [],
        "blocking": [],
    }
    apply(store, record, issue, {k: v for k, v in body.items() if k != "state"})
    return db.add_issue(store, record, issue)


@router.route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = new_issue(store, record, request.json())
    rendered = View.of(request, store).issue(record, issue)
    return Response(201, rendered, {"Location": rendered["url"]})


@router.route("PATCH", ISSUE)
def update_issue(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    body = request.json()
    if not isinstance(body, dict):
        db.invalid("Issue", "body")
    apply(store, record, issue, body)
    db.touch(store, issue)
    return Response(200, View.of(request, store).issue(record, issue))


def _assignees(
    request: Request, store: Store, owner: str, repo: str, number: str, add: bool
) -> Any:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    body = request.json() or {}
    logins = [str(a) for a in as_list(body.get("assignees") if isinstance(body, dict) else None)]
    if add:
        issue["assignees"] = list(dict.fromkeys(issue["assignees"] + logins))[:10]
    else:
        issue["assignees"] = [a for a in issue["assignees"] if a not in logins]
    db.touch(store, issue)
    return View.of(request, store).issue(record, issue)


@router.route("POST", ISSUE + "/assignees")
def add_assignees(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    return Response(201, _assignees(request, store, owner, repo, number, add=True))


@router.route("DELETE", ISSUE + "/assignees")
def remove_assignees(
    request: Request, store: Store, owner: str, repo: str, number: str
) -> Response:
    return Response(200, _assignees(request, store, owner, repo, number, add=False))
