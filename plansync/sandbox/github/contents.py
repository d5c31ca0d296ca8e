"""Repository contents on any branch (`ref` to read, `branch` to write; the files of each branch
are kept by `git.py`): get a file (or list a directory), create or update it with the blob-sha
check (409 on a stale sha, 422 when it is missing), delete it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import urllib.parse
from dataclasses import dataclass
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github import git
from plansync.sandbox.github.render import View
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
CONTENTS = "/repos/{owner}/{repo}/contents/{path:path}"
RAW_TYPES = (
    "application/vnd.github.raw",
    "application/vnd.github.raw+json",
    "application/vnd.github.v3.raw",
)


def blob_sha(raw: bytes) -> str:
    """Git's blob id, which is what GitHub reports as a file's `sha`."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def _wrapped(raw: bytes) -> str:
    text = base64.b64encode(raw).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def _links(
    view: View, repo: dict[str, Any], path: str, sha: str, kind: str, branch: str
) -> dict[str, Any]:
    quoted = urllib.parse.quote(path)
    url = f"{view.repo_url(repo)}/contents/{quoted}?ref={urllib.parse.quote(branch)}"
    git_url = f"{view.repo_url(repo)}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
    html = (
        f"{view.web}/{repo['full_name']}/{'blob' if kind == 'file' else 'tree'}/{branch}/{quoted}"
    )
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": f"{view.web}/raw/{repo['full_name']}/{branch}/{quoted}"
        if kind == "file"
        else None,
        "type": kind,
        "_links": {"self": url, "git": git_url, "html": html},
    }


def _file(view: View, tree: _Tree, path: str, with_content: bool) -> dict[str, Any]:
    stored = tree.files[path]
    raw = base64.b64decode(stored["content"])
    shape = _links(view, tree.repo, path, stored["sha"], "file", tree.branch)
    shape["size"] = len(raw)
    if with_content:
        shape.update(content=_wrapped(raw), encoding="base64")
    return shape


def _directory(view: View, tree: _Tree, path: str) -> list[dict[str, Any]]:
    prefix = f"{path}/" if path else ""
    entries: dict[str, dict[str, Any]] = {}
    for name in sorted(tree.files):
        if not name.startswith(prefix):
            continue
        head, slash, _ = name[len(prefix) :].partition("/")
        if slash:
            sha = hashlib.sha1(f"tree:{prefix}{head}".encode()).hexdigest()
            shape = _links(view, tree.repo, prefix + head, sha, "dir", tree.branch)
            entries.setdefault(head, shape | {"size": 0})
        else:
            entries[head] = _file(view, tree, name, with_content=False)
    if not entries:
        db.not_found()
    return list(entries.values())


def _raw_media(request: Request) -> str | None:
    """The raw media type asked for (`application/vnd.github.raw`, `.raw+json`, `.v3.raw`),
    which GitHub answers with the file's bytes; None for the default JSON."""
    for part in (request.headers.get("Accept") or "").split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media in RAW_TYPES:
            return media
    return None


@dataclass(frozen=True)
class _Tree:
    """The files of one branch (or commit) of a repository, as a request names them."""

    repo: dict[str, Any]
    branch: str
    files: git.Files

    @classmethod
    def read(cls, request: Request, store: Store, owner: str, repo: str) -> _Tree:
        record = db.repo(store, owner, repo)
        ref = request.arg("ref") or git.DEFAULT
        found = git.files_at(record, ref)
        if found is None:
            message = f"No commit found for the ref {ref}"
            raise ApiError(404, {"message": message, "documentation_url": db.DOCS, "status": "404"})
        return cls(record, ref, found)

    @classmethod
    def write(cls, store: Store, owner: str, repo: str, body: Any) -> _Tree:
        record = db.repo(store, owner, repo)
        branch = body.get("branch") if isinstance(body, dict) else None
        branch = branch if isinstance(branch, str) and branch else git.DEFAULT
        found = git.files(record, branch)
        if found is None:
            message = f"Branch {branch} not found"
            raise ApiError(404, {"message": message, "documentation_url": db.DOCS, "status": "404"})
        return cls(record, branch, found)


@router.route("GET", "/repos/{owner}/{repo}/contents")
def get_root(request: Request, store: Store, owner: str, repo: str) -> Response:
    return Response(
        200, _directory(View.of(request, store), _Tree.read(request, store, owner, repo), "")
    )


@router.route("GET", CONTENTS)
def get_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    tree = _Tree.read(request, store, owner, repo)
    path = path.strip("/")
    view = View.of(request, store)
    if path in tree.files:
        media = _raw_media(request)
        if media is not None:
            raw = base64.b64decode(tree.files[path]["content"])
            return Response(200, raw, {"Content-Type": f"{media}; charset=utf-8"})
        return Response(200, _file(view, tree, path, with_content=True))
    return Response(200, _directory(view, tree, path))


def _commit(view: View, tree: _Tree, message: str, author: str) -> dict[str, Any]:
    """Record the branch's new state as a commit (its parent the branch's previous head)."""
    commit = git.head(view.store, tree.repo, tree.branch, author, message)
    recorded = tree.repo["git"]["commits"][commit]
    person = {"name": author, "email": "sandbox@example.invalid", "date": recorded["date"]}
    base = view.repo_url(tree.repo)
    parent = recorded["parent"]
    parents = [] if parent is None else [{"url": f"{base}/git/commits/{parent}", "sha": parent}]
    return {
        "sha": commit,
        "node_id": f"C_{commit[:20]}",
        "url": f"{base}/git/commits/{commit}",
        "html_url": f"{view.web}/{tree.repo['full_name']}/commit/{commit}",
        "author": person,
        "committer": person,
        "message": message,
        "tree": {"url": f"{base}/git/trees/{commit[::-1]}", "sha": commit[::-1]},
        "parents": parents,
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def _checked(tree: _Tree, path: str, body: dict[str, Any]) -> None:
    """GitHub's sha rule: required to replace a file, and it must be the current one."""
    current = tree.files.get(path)
    if current is None:
        return
    if not body.get("sha"):
        db.invalid("Content", "sha", "missing_field", '"sha" wasn\'t supplied.')
    if body["sha"] != current["sha"]:
        message = f"{path} does not match {body['sha']}"
        raise ApiError(409, {"message": message, "documentation_url": db.DOCS, "status": "409"})


def _message_of(body: Any) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        db.invalid("Content", "message", "missing_field")
    return str(body["message"])


@router.route("PUT", CONTENTS)
def put_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    path = path.strip("/")
    body = request.json()
    message = _message_of(body)
    if not isinstance(body.get("content"), str):
        db.invalid("Content", "content", "missing_field")
    try:
        raw = base64.b64decode(body["content"], validate=False)
    except (binascii.Error, ValueError):
        db.invalid("Content", "content")
    tree = _Tree.write(store, owner, repo, body)
    _checked(tree, path, body)
    created = path not in tree.files
    tree.files[path] = {"content": base64.b64encode(raw).decode(), "sha": blob_sha(raw)}
    git.keep_blob(tree.repo, tree.files[path])
    view = View.of(request, store)
    result = {
        "content": _file(view, tree, path, with_content=False),
        "commit": _commit(view, tree, message, db.actor(request, store)),
    }
    return Response(201 if created else 200, result)


@router.route("DELETE", CONTENTS)
def delete_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    path = path.strip("/")
    body = request.json()
    tree = _Tree.write(store, owner, repo, body)
    if path not in tree.files:
        db.not_found()
    message = _message_of(body)
    _checked(tree, path, body)
    del tree.files[path]
    view = View.of(request, store)
    commit = _commit(view, tree, message, db.actor(request, store))
    return Response(200, {"content": None, "commit": commit})
