"""Pull requests: open one (`POST .../pulls`: title, head, base, body), list them (`state`,
`head=owner:branch`, `base`), read and edit one, with GitHub's 422s ("A pull request already
exists for ...", "No commits between ...", an unknown head or base).

Pull requests are numbered on their own (GitHub shares the issues' sequence) and do not
appear in the issue listing; merging is left to a person (the sandbox has no merge).
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github import git
from plansync.sandbox.github.paging import choice, paginate
from plansync.sandbox.github.render import View, node_id
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
PULLS = "/repos/{owner}/{repo}/pulls"


def _custom(message: str) -> ApiError:
    error = {"resource": "PullRequest", "code": "custom", "message": message}
    body = {"message": "Validation Failed", "errors": [error], "documentation_url": db.DOCS}
    return ApiError(422, body)


def _pull(repo: db.Record, number: str) -> db.Record:
    pulls: list[db.Record] = repo.setdefault("pulls", [])
    if not number.isdigit() or not 0 < int(number) <= len(pulls):
        db.not_found()
    return pulls[int(number) - 1]


def _end(view: View, repo: db.Record, branch: str) -> dict[str, Any]:
    sha = (
        git.head(view.store, repo, branch, repo["owner"])
        if git.files(repo, branch) is not None
        else None
    )
    return {
        "label": f"{repo['owner']}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": view.user(repo["owner"]),
        "repo": None,  # the full repository is not repeated here (GitHub sends it)
    }


def shape(view: View, repo: db.Record, pull: db.Record) -> dict[str, Any]:
    api = f"{view.repo_url(repo)}/pulls/{pull['number']}"
    issue = f"{view.repo_url(repo)}/issues/{pull['number']}"
    html = f"{view.web}/{repo['full_name']}/pull/{pull['number']}"
    links = {"self": api, "html": html, "issue": issue, "comments": f"{issue}/comments"}
    return {
        "url": api,
        "id": pull["id"],
        "node_id": node_id("PullRequest", pull["id"]),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": f"{api}/commits",
        "review_comments_url": f"{api}/comments",
        "review_comment_url": f"{view.repo_url(repo)}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{view.repo_url(repo)}/statuses/{pull['number']}",
        "number": pull["number"],
        "state": pull["state"],
        "locked": False,
        "title": pull["title"],
        "user": view.user(pull["user"]),
        "body": pull["body"],
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": pull["created_at"],
        "updated_at": pull["updated_at"],
        "closed_at": pull.get("closed_at"),
        "merged_at": None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _end(view, repo, pull["head"]),
        "base": _end(view, repo, pull["base"]),
        "_links": {key: {"href": url} for key, url in links.items()},
        "author_association": "OWNER",
        "auto_merge": None,
        "draft": False,
    }


def _head_branch(repo: db.Record, head: str) -> str:
    """`head` as GitHub takes it: "branch" or "owner:branch" (same repository only here)."""
    owner, colon, branch = head.rpartition(":")
    if colon and owner.lower() != repo["owner"].lower():
        db.invalid("PullRequest", "head")
    return branch


def _new(request: Request, store: Store, repo: db.Record, body: Any) -> db.Record:
    if not isinstance(body, dict):
        db.invalid("PullRequest", "title", "missing_field")
    for field in ("head", "base"):
        if not isinstance(body.get(field), str) or not body[field]:
            db.invalid("PullRequest", field, "missing_field")
    if not isinstance(body.get("title"), str) or not body["title"].strip():
        db.invalid("PullRequest", "title", "missing_field")
    head, base = _head_branch(repo, body["head"]), body["base"]
    for field, branch in (("head", head), ("base", base)):
        if git.files(repo, branch) is None:
            db.invalid("PullRequest", field)
    pulls: list[db.Record] = repo.setdefault("pulls", [])
    if any(p["head"] == head and p["base"] == base and p["state"] == "open" for p in pulls):
        raise _custom(f"A pull request already exists for {repo['owner']}:{head}.")
    actor = db.actor(request, store)
    head_sha, base_sha = (git.head(store, repo, b, actor) for b in (head, base))
    if git.is_ancestor(repo, head_sha, base_sha):
        raise _custom(f"No commits between {base} and {head}")
    stamp = db.now(store)
    pull = {
        "number": len(pulls) + 1,
        "id": store.next_id(),
        "title": body["title"],
        "body": body.get("body") if isinstance(body.get("body"), str) else None,
        "head": head,
        "base": base,
        "state": "open",
        "user": actor,
        "created_at": stamp,
        "updated_at": stamp,
    }
    pulls.append(pull)
    return pull


@router.route("POST", PULLS)
def create_pull(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    pull = _new(request, store, record, request.json())
    return Response(201, shape(View.of(request, store), record, pull))


@router.route("GET", PULLS)
def list_pulls(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    state = choice(request, "state", ("open", "closed", "all"), "open")
    head, base = request.arg("head"), request.arg("base")
    found = [p for p in record.setdefault("pulls", []) if state in ("all", p["state"])]
    if head:
        owner_part, _, branch = head.rpartition(":")
        same = not owner_part or owner_part.lower() == record["owner"].lower()
        found = [p for p in found if same and p["head"] == branch]
    if base:
        found = [p for p in found if p["base"] == base]
    found.sort(key=lambda p: p["number"], reverse=True)  # GitHub's default: newest first
    page, headers = paginate(request, found)
    view = View.of(request, store)
    return Response(200, [shape(view, record, p) for p in page], headers)


@router.route("GET", PULLS + "/{number}")
def get_pull(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    return Response(200, shape(View.of(request, store), record, _pull(record, number)))


@router.route("PATCH", PULLS + "/{number}")
def update_pull(request: Request, store: Store, owner: str, repo: str, number: str) -> Response:
    record = db.repo(store, owner, repo)
    pull = _pull(record, number)
    body = request.json()
    if not isinstance(body, dict):
        db.invalid("PullRequest", "body")
    for field in ("title", "body"):
        if isinstance(body.get(field), str):
            pull[field] = body[field]
    if body.get("state") in ("open", "closed"):
        pull["state"] = body["state"]
        pull["closed_at"] = db.now(store) if body["state"] == "closed" else None
    pull["updated_at"] = db.now(store)
    return Response(200, shape(View.of(request, store), record, pull))
