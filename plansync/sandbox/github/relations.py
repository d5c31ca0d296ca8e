"""Issue relations: sub-issues (add, list, remove, reprioritize, parent) and blocked-by
dependencies (add, list, remove, and the reverse `blocking` list). Both refer to issues by `id`.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
ISSUE = "/repos/{owner}/{repo}/issues/{number}"
MAX_SUB_ISSUES = 100
MAX_DEPTH = 8
Pair = tuple[dict[str, Any], dict[str, Any]]


def _other(store: Store, body: Any, field: str) -> Pair:
    """The issue a request body names by id; 422 when the id is not an issue here."""
    ident = body.get(field) if isinstance(body, dict) else None
    if not isinstance(ident, int) or isinstance(ident, bool):
        db.invalid("Issue", field, "missing_field" if ident is None else "invalid")
    found = db.issue_by_id(store, ident)
    if found is None:
        db.invalid("Issue", field, "invalid", f"No issue found with id {ident}")
    return found


def _list(request: Request, store: Store, ids: list[int]) -> Response:
    found = [f for f in (db.issue_by_id(store, i) for i in ids) if f is not None]
    page, headers = paginate(request, found)
    view = View.of(request, store)
    return Response(200, [view.issue(repo, issue) for repo, issue in page], headers)


def _depth(store: Store, issue: dict[str, Any]) -> int:
    """How many ancestors `issue` has."""
    depth, seen = 0, issue
    while (parent := db.issue_by_id(store, seen.get("parent"))) is not None:
        depth, seen = depth + 1, parent[1]
    return depth


def _height(store: Store, issue: dict[str, Any]) -> int:
    """How many levels of sub-issues hang below `issue`."""
    children = [db.issue_by_id(store, i) for i in issue.get("sub_issues", [])]
    return 1 + max((_height(store, c[1]) for c in children if c), default=0)


@router.route("GET", ISSUE + "/sub_issues")
def list_sub_issues(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    issue = db.issue(db.repo(store, owner, repo), number)
    return _list(request, store, issue.get("sub_issues", []))


@router.route("POST", ISSUE + "/sub_issues")
def add_sub_issue(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    parent = db.issue(record, number)
    body = request.json()
    child_repo, child = _other(store, body, "sub_issue_id")
    if child_repo["owner"].lower() != record["owner"].lower() or child["id"] == parent["id"]:
        db.invalid("Issue", "sub_issue_id", "invalid", "Invalid sub-issue")
    old = db.issue_by_id(store, child.get("parent"))
    if old is not None and old[1]["id"] == parent["id"]:
        db.invalid("Issue", "sub_issue_id", "invalid", "Sub issue already belongs to this parent")
    if old is not None and not (isinstance(body, dict) and body.get("replace_parent")):
        db.invalid("Issue", "sub_issue_id", "invalid", "Sub issue may only have one parent")
    ancestor: Pair | None = (record, parent)
    while ancestor is not None:
        if ancestor[1]["id"] == child["id"]:
            db.invalid("Issue", "sub_issue_id", "invalid", "Sub issue would create a cycle")
        ancestor = db.issue_by_id(store, ancestor[1].get("parent"))
    if len(parent.get("sub_issues", [])) >= MAX_SUB_ISSUES:
        db.invalid("Issue", "sub_issue_id", "invalid", "Parent has the maximum of sub-issues")
    if _depth(store, parent) + 1 + _height(store, child) > MAX_DEPTH:
        db.invalid("Issue", "sub_issue_id", "invalid", "Sub issues may nest 8 levels deep")
    if old is not None:
        old[1]["sub_issues"].remove(child["id"])
    parent.setdefault("sub_issues", []).append(child["id"])
    child["parent"] = parent["id"]
    db.touch(store, parent, child)
    return Response(201, View.of(request, store).issue(record, parent))


def _child_of(store: Store, parent: dict[str, Any], body: Any, field: str) -> dict[str, Any]:
    child = _other(store, body, field)[1]
    if child["id"] not in parent.get("sub_issues", []):
        db.not_found()
    return child


@router.route("DELETE", ISSUE + "/sub_issue")
def remove_sub_issue(
    request: Request, store: Store, owner: str, repo: str, number: str
) -> Response:
    record = db.repo(store, owner, repo)
    parent = db.issue(record, number)
    child = _child_of(store, parent, request.json(), "sub_issue_id")
    parent["sub_issues"].remove(child["id"])
    child["parent"] = None
    db.touch(store, parent, child)
    return Response(200, View.of(request, store).issue(record, parent))


@router.route("PATCH", ISSUE + "/sub_issues/priority")
def reprioritize(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    parent = db.issue(record, number)
    body = request.json()
    child = _child_of(store, parent, body, "sub_issue_id")
    order: list[int] = parent["sub_issues"]
    field = "before_id" if body.get("before_id") is not None else "after_id"
    anchor = body.get(field)
    # PyGithub sends `"after_id": null` to mean "first"; GitHub wants one of the two ids.
    if anchor is None and field in body:
        order.remove(child["id"])
        order.insert(0, child["id"])
    elif anchor not in order or anchor == child["id"]:
        db.invalid("Issue", field, "invalid")
    else:
        order.remove(child["id"])
        order.insert(order.index(anchor) + (field == "after_id"), child["id"])
    db.touch(store, parent)
    return Response(200, View.of(request, store).issue(record, parent))


@router.route("GET", ISSUE + "/parent")
def get_parent(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    issue = db.issue(db.repo(store, owner, repo), number)
    parent = db.issue_by_id(store, issue.get("parent"))
    if parent is None:
        db.not_found()
    return Response(200, View.of(request, store).issue(*parent))


@router.route("GET", ISSUE + "/dependencies/blocked_by")
def list_blocked_by(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    issue = db.issue(db.repo(store, owner, repo), number)
    return _list(request, store, issue.get("blocked_by", []))


@router.route("GET", ISSUE + "/dependencies/blocking")
def list_blocking(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    issue = db.issue(db.repo(store, owner, repo), number)
    return _list(request, store, issue.get("blocking", []))


@router.route("POST", ISSUE + "/dependencies/blocked_by")
def add_blocked_by(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    blocker = _other(store, request.json(), "issue_id")[1]
    if blocker["id"] == issue["id"] or blocker["id"] in issue.setdefault("blocked_by", []):
        db.invalid("Issue", "issue_id", "invalid", "Dependency already exists or is the issue")
    issue["blocked_by"].append(blocker["id"])
    blocker.setdefault("blocking", []).append(issue["id"])
    db.touch(store, issue, blocker)
    return Response(201, View.of(request, store).issue(record, issue))


@router.route("DELETE", ISSUE + "/dependencies/blocked_by/{ident}")
def remove_blocked_by(
    request: Request, store: Store, owner: str, repo: str, number: str, ident: str
) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    blocker = db.issue_by_id(store, ident)
    if blocker is None or blocker[1]["id"] not in issue.get("blocked_by", []):
        db.not_found()
    issue["blocked_by"].remove(blocker[1]["id"])
    if issue["id"] in blocker[1].get("blocking", []):
        blocker[1]["blocking"].remove(issue["id"])
    db.touch(store, issue, blocker[1])
    return Response(200, View.of(request, store).issue(record, issue))
