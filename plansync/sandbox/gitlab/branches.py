"""Repository branches: create one from a branch or commit (`POST .../repository/branches`
with `branch` and `ref`), read one, delete one, with GitLab's answers and errors."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, db, files
from plansync.sandbox.gitlab.render import Urls, iso, project_web
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
NOT_FOUND = {"message": "404 Branch Not Found"}


def shape(urls: Urls, project: Record, name: str) -> Record:
    repo = project["repo"]
    sha = repo["branches"][name]
    commit = repo["commits"][sha]
    title = str(commit["message"]).split("\n", 1)[0]
    web = project_web(urls, project)
    stamp = iso(commit["created_at"])
    return {
        "name": name,
        "commit": {
            "id": sha,
            "short_id": sha[:8],
            "created_at": stamp,
            "parent_ids": [commit["parent"]] if commit["parent"] else [],
            "title": title,
            "message": commit["message"],
            "author_name": commit.get("author", db.DEFAULT_USERNAME),
            "author_email": "sandbox@example.invalid",
            "authored_date": stamp,
            "committer_name": commit.get("author", db.DEFAULT_USERNAME),
            "committer_email": "sandbox@example.invalid",
            "committed_date": stamp,
            "trailers": {},
            "web_url": f"{web}/-/commit/{sha}",
        },
        "merged": False,
        "protected": name == project["default_branch"],
        "developers_can_push": False,
        "developers_can_merge": False,
        "can_push": True,
        "default": name == project["default_branch"],
        "web_url": f"{web}/-/tree/{name}",
    }


def create_branch(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    params = request.params()
    name = args.required_str(params, "branch").strip()
    ref = args.required_str(params, "ref")
    if not name or name.startswith(("-", "/")) or ".." in name or name.endswith("/"):
        raise ApiError(400, {"message": "Branch name is invalid"})
    if name in record["repo"]["branches"]:
        raise ApiError(400, {"message": "Branch already exists"})
    sha = files.resolve_ref(record["repo"], ref)
    if sha is None:
        raise ApiError(400, {"message": "Invalid reference name: " + ref})
    record["repo"]["branches"][name] = sha
    return Response(201, shape(Urls.of(request), record, name))


def get_branch(request: Request, store: Any, project: str, branch: str) -> Response:
    record = db.project_by_ref(store, project)
    if branch not in record["repo"]["branches"]:
        raise ApiError(404, dict(NOT_FOUND))
    return Response(200, shape(Urls.of(request), record, branch))


def delete_branch(request: Request, store: Any, project: str, branch: str) -> Response:
    record = db.project_by_ref(store, project)
    if branch not in record["repo"]["branches"]:
        raise ApiError(404, dict(NOT_FOUND))
    if branch == record["default_branch"]:
        raise ApiError(400, {"message": "Cannot remove HEAD branch"})
    del record["repo"]["branches"][branch]
    return Response(204)


BRANCHES = "/projects/{project}/repository/branches"
ROUTES = [
    ("POST", BRANCHES, create_branch, "api"),
    ("GET", BRANCHES + "/{branch}", get_branch, "api"),
    ("DELETE", BRANCHES + "/{branch}", delete_branch, "api"),
]
