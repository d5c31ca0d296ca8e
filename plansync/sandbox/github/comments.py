"""Issue comments: per issue (list, create) and per repository (list, get, update, delete)."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.paging import choice, paginate
from plansync.sandbox.github.render import View
from plansync.sandbox.http import Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
REPO_COMMENTS = "/repos/{owner}/{repo}/issues/comments"


def _since(request: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    since = request.arg("since")
    return [c for c in items if not since or c["updated_at"] >= since.replace("+00:00", "Z")]


def _comment(record: dict[str, Any], ident: str) -> dict[str, Any]:
    found: dict[str, Any] | None = record["comments"].get(ident)
    if found is None:
        db.not_found()
    return found


def _body(request: Request) -> str:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("body"), str) or not body["body"]:
        db.invalid("IssueComment", "body", "missing_field")
    return str(body["body"])


# Registered before the issue routes' `{number}` patterns would see "comments" as a number.
@router.route("GET", REPO_COMMENTS)
def list_repo_comments(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    sort = choice(request, "sort", ("created", "updated"), "created")
    direction = choice(request, "direction", ("asc", "desc"), "asc")
    items = _since(request, list(record["comments"].values()))
    items.sort(key=lambda c: (c[f"{sort}_at"], c["id"]), reverse=direction == "desc")
    page, headers = paginate(request, items)
    view = View.of(request, store)
    return Response(200, [view.comment(record, c) for c in page], headers)


@router.route("GET", REPO_COMMENTS + "/{ident}")
def get_comment(request: Request, store: Store, owner: str, repo: str, ident: str) -> Response:
    record = db.repo(store, owner, repo)
    return Response(200, View.of(request, store).comment(record, _comment(record, ident)))


@router.route("PATCH", REPO_COMMENTS + "/{ident}")
def update_comment(request: Request, store: Store, owner: str, repo: str, ident: str) -> Response:
    record = db.repo(store, owner, repo)
    comment = _comment(record, ident)
    comment["body"] = _body(request)
    db.touch(store, comment)
    return Response(200, View.of(request, store).comment(record, comment))


@router.route("DELETE", REPO_COMMENTS + "/{ident}")
def delete_comment(request: Request, store: Store, owner: str, repo: str, ident: str) -> Response:
    record = db.repo(store, owner, repo)
    comment = _comment(record, ident)
    del record["comments"][ident]
    issue = db.issue(record, comment["issue"])
    issue["comments"] = max(0, issue.get("comments", 0) - 1)
    return Response(204)


@router.route("GET", "/repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    items = [c for c in record["comments"].values() if c["issue"] == issue["number"]]
    page, headers = paginate(request, _since(request, items))
    view = View.of(request, store)
    return Response(200, [view.comment(record, c) for c in page], headers)


@router.route("POST", "/repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    issue = db.issue(record, number)
    stamp = db.now(store)
    comment = {
        "id": store.next_id(),
        "issue": issue["number"],
        "body": _body(request),
        "user": db.actor(request, store),
        "created_at": stamp,
        "updated_at": stamp,
    }
    record["comments"][str(comment["id"])] = comment
    issue["comments"] = issue.get("comments", 0) + 1
    db.touch(store, issue)
    rendered = View.of(request, store).comment(record, comment)
    return Response(201, rendered, {"Location": rendered["url"]})
