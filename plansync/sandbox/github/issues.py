"""Repository issues: list (filters, sort, pages), get, create, update, assignees.

Like GitHub, an account without push access may open and edit issues, but the labels,
milestone and assignees it sends are silently dropped; an assignee who may not be assigned is a 422.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import as_list, choice, paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
ISSUE = "/repos/{owner}/{repo}/issues/{number}"
REASONS = ("completed", "not_planned", "duplicate", "reopened")
TRIAGE_FIELDS = ("labels", "milestone", "assignees", "assignee")  # need push access


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


def _logins(store: Store, repo: dict[str, Any], body: dict[str, Any]) -> list[str] | None:
    if "assignees" in body:
        logins = [str(a) for a in as_list(body["assignees"]) if a]
    elif "assignee" in body:
        logins = [str(body["assignee"])] if body["assignee"] else []
    else:
        return None
    allowed = db.assignable(store, repo)
    for name in logins:
        if name.lower() not in allowed:
            error = {"value": name, "resource": "Issue", "field": "assignees", "code": "invalid"}
            body = {"message": "Validation Failed", "errors": [error], "documentation_url": db.DOCS}
            raise ApiError(422, body)
    return logins


def _set_state(
    store: Store, issue: dict[str, Any], state: Any, reason: Any, actor: str | None
) -> None:
    if state not in ("open", "closed"):
        db.invalid("Issue", "state")
    if reason is not None and reason not in REASONS:
        db.invalid("Issue", "state_reason")
    if state == "closed":
        if issue["state"] != "closed":
            issue["closed_at"] = db.now(store)
            issue["closed_by"] = actor or db.login(store)
            # A close without a reason is "completed", even right after a reopen.
            issue["state_reason"] = reason or "completed"
        elif reason:
            issue["state_reason"] = reason
    elif issue["state"] == "closed":
        issue["closed_at"] = None
        issue["closed_by"] = None
        issue["state_reason"] = "reopened"
    issue["state"] = state


def apply(
    store: Store,
    repo: dict[str, Any],
    issue: dict[str, Any],
    body: dict[str, Any],
    actor: str | None = None,
) -> None:
    """Apply a create or edit body; `actor` (default: the default account) is who closes."""
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
    logins = _logins(store, repo, body)
    if logins is not None:
        issue["assignees"] = list(dict.fromkeys(logins))[:10]
    if "state" in body:
        _set_state(store, issue, body["state"], body.get("state_reason"), actor)


def _permitted(request: Request, store: Store, repo: dict[str, Any], body: Any) -> Any:
    """The body without the fields an account lacking push access may not set (GitHub drops
    them without a word)."""
    if not isinstance(body, dict) or db.can_write(request, store, repo):
        return body
    return {k: v for k, v in body.items() if k not in TRIAGE_FIELDS}


def new_issue(
    store: Store, record: dict[str, Any], body: Any, author: str | None = None
) -> dict[str, Any]:
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
        "user": author or db.login(store),
        "created_at": stamp,
        "updated_at": stamp,
        "closed_at": None,
        "closed_by": None,
        "comments": 0,
        "sub_issues": [],
        "blocked_by": [],
        "blocking": [],
    }
    apply(store, record, issue, {k: v for k, v in body.items() if k != "state"}, author)
    return db.add_issue(store, record, issue)


@router.route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    body = _permitted(request, store, record, request.json())
    issue = new_issue(store, record, body, db.actor(request, store))
    rendered = View.of(request, store).issue(record, issue)
    return Response(201, rendered, {"Location": rendered["url"]})


@router.route("PATCH", ISSUE)
def update_issue(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    body = request.json()
    if not isinstance(body, dict):
        db.invalid("Issue", "body")
    apply(store, record, issue, _permitted(request, store, record, body), db.actor(request, store))
    db.touch(store, issue)
    return Response(200, View.of(request, store).issue(record, issue))


def _assignees(
    request: Request, store: Store, owner: str, repo: str, number: str, add: bool
) -> Any:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    body = request.json() or {}
    logins = [str(a) for a in as_list(body.get("assignees") if isinstance(body, dict) else None)]
    allowed = db.assignable(store, record) if db.can_write(request, store, record) else set()
    if add:  # GitHub ignores, without an error, assignees it cannot add
        logins = [name for name in logins if name.lower() in allowed]
        issue["assignees"] = list(dict.fromkeys(issue["assignees"] + logins))[:10]
    elif db.can_write(request, store, record):
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
