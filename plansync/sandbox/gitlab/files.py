"""Repository files: get (JSON, base64), raw, create, update (with the `last_commit_id` check),
delete. A tiny commit graph per project keeps `ref` by branch or commit sha meaningful."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from plansync.sandbox.gitlab import args, db
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
NOT_FOUND = {"message": "404 File Not Found"}
STALE = "You are attempting to update a file that has changed since you started editing it."


def _head(repo: Record, ref: str) -> str | None:
    """The commit a branch name or a commit sha points at; None if it names nothing."""
    if ref in repo["branches"]:
        head: str = repo["branches"][ref]
        return head
    return ref if ref in repo["commits"] else None


def resolve_ref(repo: Record, ref: str) -> str | None:
    """The commit a branch name or a commit sha points at (for the branches routes)."""
    return _head(repo, ref)


def _file_at(repo: Record, sha: str | None, path: str) -> tuple[bytes, str] | None:
    """The file's bytes at commit `sha` and the last commit that changed it."""
    while sha is not None:
        commit = repo["commits"][sha]
        if path in commit["changes"]:
            content = commit["changes"][path]
            return None if content is None else (base64.b64decode(content), sha)
        sha = commit["parent"]
    return None


def _blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()  # git's blob id


def _file(store: Any, project: str, path: str, ref: str | None) -> tuple[Record, bytes, str, str]:
    record = db.project_by_ref(store, project)
    repo = record["repo"]
    ref = ref or record["default_branch"]
    head = _head(repo, ref)
    if head is None:
        raise ApiError(404, {"message": "404 Commit Not Found"})
    found = _file_at(repo, head, path)
    if found is None:
        raise ApiError(404, dict(NOT_FOUND))
    content, last_commit = found
    return record, content, head, last_commit


def get_file(request: Request, store: Any, project: str, file_path: str) -> Response:
    ref = request.arg("ref")
    if ref is None:
        raise args.missing("ref")
    _, content, head, last_commit = _file(store, project, file_path, ref)
    body = {
        "file_name": file_path.rpartition("/")[2],
        "file_path": file_path,
        "size": len(content),
        "encoding": "base64",
        "content_sha256": hashlib.sha256(content).hexdigest(),
        "ref": ref,
        "blob_id": _blob_id(content),
        "commit_id": head,
        "last_commit_id": last_commit,
        "execute_filemode": False,
        "content": base64.b64encode(content).decode("ascii"),
    }
    skip = ("content", "execute_filemode")
    headers = {
        "X-Gitlab-" + "-".join(p.capitalize() for p in k.split("_")): str(v)
        for k, v in body.items()
        if k not in skip
    }
    return Response(200, body, headers)


def get_raw(request: Request, store: Any, project: str, file_path: str) -> Response:
    _, content, _, _ = _file(store, project, file_path, request.arg("ref"))
    return Response(200, content, {"Content-Type": "text/plain; charset=utf-8"})


def _content(params: dict[str, Any]) -> bytes:
    text = args.required_str(params, "content")
    encoding = str(params.get("encoding") or "text")
    if encoding not in ("text", "base64"):
        raise ApiError(400, {"error": "encoding does not have a valid value"})
    if encoding == "text":
        return text.encode("utf-8")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, {"message": "Content is not valid base64"}) from None


def commit(
    store: Any, repo: Record, params: dict[str, Any], path: str, content: bytes | None
) -> str:
    """Record a commit on `branch` (made from `start_branch`, or first in an empty repo)."""
    branch = args.required_str(params, "branch")
    message = args.required_str(params, "commit_message")
    parent = repo["branches"].get(branch)
    start = params.get("start_branch")
    if parent is None and start:
        parent = _head(repo, str(start))
        if parent is None:
            raise ApiError(400, {"message": f"Invalid reference name: {start}"})
    elif parent is None and repo["branches"]:
        raise ApiError(
            400, {"message": "You can only create or edit files when you are on a branch"}
        )
    seed = f"{parent}:{path}:{message}:{store.next_id()}".encode()
    sha = hashlib.sha1(seed).hexdigest()  # an id, not security
    change = None if content is None else base64.b64encode(content).decode("ascii")
    repo["commits"][sha] = {
        "parent": parent,
        "changes": {path: change},
        "message": message,
        "created_at": store.clock.now(),
    }
    repo["branches"][branch] = sha
    return sha


def _existing(repo: Record, params: dict[str, Any], path: str) -> tuple[bytes, str] | None:
    branch = str(params.get("branch") or "")
    start = str(params.get("start_branch") or "")
    ref = branch if branch in repo["branches"] else start
    return _file_at(repo, _head(repo, ref), path) if ref else None


def create_file(request: Request, store: Any, project: str, file_path: str) -> Response:
    repo = db.project_by_ref(store, project)["repo"]
    params = request.params()
    content = _content(params)
    if _existing(repo, params, file_path) is not None:
        raise ApiError(400, {"message": "A file with this name already exists"})
    commit(store, repo, params, file_path, content)
    return Response(201, {"file_path": file_path, "branch": params["branch"]})


def update_file(request: Request, store: Any, project: str, file_path: str) -> Response:
    repo = db.project_by_ref(store, project)["repo"]
    params = request.params()
    content = _content(params)
    existing = _existing(repo, params, file_path)
    if existing is None:
        raise ApiError(400, {"message": "A file with this name doesn't exist"})
    last_commit_id = params.get("last_commit_id")
    if last_commit_id and last_commit_id != existing[1]:
        raise ApiError(400, {"message": STALE})
    commit(store, repo, params, file_path, content)
    return Response(200, {"file_path": file_path, "branch": params["branch"]})


def delete_file(request: Request, store: Any, project: str, file_path: str) -> Response:
    repo = db.project_by_ref(store, project)["repo"]
    params = request.params()
    if _existing(repo, params, file_path) is None:
        raise ApiError(400, {"message": "A file with this name doesn't exist"})
    commit(store, repo, params, file_path, None)
    return Response(204)


FILE = "/projects/{project}/repository/files/{file_path}"
ROUTES = [
    ("GET", FILE + "/raw", get_raw, "api"),
    ("HEAD", FILE, get_file, "api"),
    ("GET", FILE, get_file, "api"),
    ("POST", FILE, create_file, "api"),
    ("PUT", FILE, update_file, "api"),
    ("DELETE", FILE, delete_file, "api"),
]
