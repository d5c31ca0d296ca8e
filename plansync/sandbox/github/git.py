"""Branches for the contents API: each branch's files, a commit per state of a branch, blobs by
sha, and the git refs routes (`GET .../git/ref/heads/{b}`, `POST .../git/refs`, `PATCH` with
`force`, `DELETE`) and `GET .../git/blobs/{sha}`, with GitHub's errors.

The default branch `main` keeps its files in `repo["files"]`; other branches in
`repo["branches"][name]`. Commits are made lazily: a branch's head is the commit of its
current files, made when first asked for, so seeded files and old states need no bookkeeping.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.render import View, node_id
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
DEFAULT = "main"
Files = dict[str, dict[str, str]]  # path -> {"content": base64, "sha": blob sha}


def _git(repo: db.Record) -> db.Record:
    found: db.Record = repo.setdefault("git", {"commits": {}, "refs": {}, "blobs": {}})
    return found


def _unprocessable(message: str) -> ApiError:
    return ApiError(422, {"message": message, "documentation_url": db.DOCS, "status": "422"})


def files(repo: db.Record, branch: str | None) -> Files | None:
    """The files on `branch` (None: the default branch); None when there is no such branch."""
    if branch in (None, "", DEFAULT):
        main: Files = repo["files"]
        return main
    found: Files | None = repo.setdefault("branches", {}).get(branch)
    return found


def files_at(repo: db.Record, ref: str | None) -> Files | None:
    """Files at a branch name or a commit sha (contents' `ref`); None if it names nothing."""
    found = files(repo, ref)
    if found is not None or not ref:
        return found
    commit = _git(repo)["commits"].get(ref)
    return None if commit is None else _snapshot_files(repo, commit["files"])


def head(store: Store, repo: db.Record, branch: str, author: str, message: str = "") -> str:
    """The commit sha of `branch`'s current files, recorded when they changed since last asked."""
    git, current = _git(repo), files(repo, branch)
    assert current is not None
    tree = {path: stored["sha"] for path, stored in sorted(current.items())}
    for stored in current.values():
        keep_blob(repo, stored)
    parent = git["refs"].get(branch)
    if parent is not None and git["commits"][parent]["files"] == tree:
        return str(parent)
    seed = f"{repo['full_name']}:{branch}:{parent}:{store.next_id()}".encode()
    sha = hashlib.sha1(seed).hexdigest()  # an id, not security
    git["commits"][sha] = {
        "parent": parent,
        "files": tree,
        "message": message or "sandbox commit",
        "author": author,
        "date": db.now(store),
    }
    git["refs"][branch] = sha
    return sha


def is_ancestor(repo: db.Record, older: str, newer: str) -> bool:
    """`older` is `newer` or one of its parents."""
    commits, at = _git(repo)["commits"], newer
    while at is not None:
        if at == older:
            return True
        at = commits[at]["parent"]
    return False


def keep_blob(repo: db.Record, stored: dict[str, str]) -> None:
    """Remember a file's content by blob sha, so `git/blobs` finds it after it is replaced."""
    _git(repo)["blobs"].setdefault(stored["sha"], stored["content"])


def _snapshot_files(repo: db.Record, tree: dict[str, str]) -> Files:
    blobs = _git(repo)["blobs"]
    return {path: {"content": blobs[sha], "sha": sha} for path, sha in tree.items()}


def _set_branch(repo: db.Record, branch: str, sha: str) -> None:
    commit = _git(repo)["commits"][sha]
    tree = _snapshot_files(repo, commit["files"])
    if branch == DEFAULT:
        repo["files"].clear()
        repo["files"].update(tree)
    else:
        repo.setdefault("branches", {})[branch] = tree
    _git(repo)["refs"][branch] = sha


def _ref_shape(view: View, repo: db.Record, branch: str, sha: str) -> dict[str, Any]:
    base = view.repo_url(repo)
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": node_id("Ref", int(hashlib.sha1(branch.encode()).hexdigest()[:8], 16)),
        "url": f"{base}/git/refs/heads/{branch}",
        "object": {"sha": sha, "type": "commit", "url": f"{base}/git/commits/{sha}"},
    }


def _branch_of(ref: str) -> str:
    if not ref.startswith("refs/heads/") or len(ref) <= len("refs/heads/"):
        raise _unprocessable(f"Reference name '{ref}' is not valid")  # only branches here
    return ref[len("refs/heads/") :]


@router.route("GET", "/repos/{owner}/{repo}/git/ref/heads/{branch:path}")
def get_ref(request: Request, store: Store, owner: str, repo: str, branch: str) -> Response:
    record = db.repo(store, owner, repo)
    if files(record, branch) is None:
        db.not_found()
    sha = head(store, record, branch, db.actor(request, store))
    return Response(200, _ref_shape(View.of(request, store), record, branch, sha))


@router.route("POST", "/repos/{owner}/{repo}/git/refs")
def create_ref(request: Request, store: Store, owner: str, repo: str) -> Response:
    record = db.repo(store, owner, repo)
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("ref"), str):
        db.invalid("Reference", "ref", "missing_field")
    if not isinstance(body.get("sha"), str):
        db.invalid("Reference", "sha", "missing_field")
    branch = _branch_of(body["ref"])
    if files(record, branch) is not None:
        raise _unprocessable("Reference already exists")
    if body["sha"] not in _git(record)["commits"]:
        raise _unprocessable("Object does not exist")
    _set_branch(record, branch, body["sha"])
    return Response(201, _ref_shape(View.of(request, store), record, branch, body["sha"]))


@router.route("PATCH", "/repos/{owner}/{repo}/git/refs/heads/{branch:path}")
def update_ref(request: Request, store: Store, owner: str, repo: str, branch: str) -> Response:
    record = db.repo(store, owner, repo)
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("sha"), str):
        db.invalid("Reference", "sha", "missing_field")
    if files(record, branch) is None:
        raise _unprocessable("Reference does not exist")
    if body["sha"] not in _git(record)["commits"]:
        raise _unprocessable("Object does not exist")
    current = head(store, record, branch, db.actor(request, store))
    if not body.get("force") and not is_ancestor(record, current, body["sha"]):
        raise _unprocessable("Update is not a fast forward")
    _set_branch(record, branch, body["sha"])
    return Response(200, _ref_shape(View.of(request, store), record, branch, body["sha"]))


@router.route("DELETE", "/repos/{owner}/{repo}/git/refs/heads/{branch:path}")
def delete_ref(request: Request, store: Store, owner: str, repo: str, branch: str) -> Response:
    record = db.repo(store, owner, repo)
    if branch == DEFAULT or files(record, branch) is None:
        raise _unprocessable("Reference does not exist")
    del record["branches"][branch]
    _git(record)["refs"].pop(branch, None)
    return Response(204)


@router.route("GET", "/repos/{owner}/{repo}/git/blobs/{sha}")
def get_blob(request: Request, store: Store, owner: str, repo: str, sha: str) -> Response:
    record = db.repo(store, owner, repo)
    content = _git(record)["blobs"].get(sha)
    trees = [record["files"], *record.get("branches", {}).values()]
    for tree in trees if content is None else ():
        content = next((f["content"] for f in tree.values() if f["sha"] == sha), None)
        if content is not None:
            break
    if content is None:
        db.not_found()
    size = len(_decoded(content))
    body = {
        "sha": sha,
        "node_id": node_id("Blob", int(hashlib.sha1(sha.encode()).hexdigest()[:8], 16)),
        "size": size,
        "url": f"{View.of(request, store).repo_url(record)}/git/blobs/{sha}",
        "content": content,
        "encoding": "base64",
    }
    return Response(200, body)


def _decoded(content: str) -> bytes:
    return base64.b64decode(content)
