"""Repository contents on one branch: get a file (or list a directory), create or update it with
the blob-sha check (409 on a stale sha, 422 when it is missing), delete it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import urllib.parse
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.render import View
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
CONTENTS = "/repos/{owner}/{repo}/contents/{path:path}"
BRANCH = "main"
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


def _links(view: View, repo: dict[str, Any], path: str, sha: str, kind: str) -> dict[str, Any]:
    quoted = urllib.parse.quote(path)
    url = f"{view.repo_url(repo)}/contents/{quoted}?ref={BRANCH}"
    git = f"{view.repo_url(repo)}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
    html = (
        f"{view.web}/{repo['full_name']}/{'blob' if kind == 'file' else 'tree'}/{BRANCH}/{quoted}"
    )
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git,
        "html_url": html,
        "download_url": f"{view.web}/raw/{repo['full_name']}/{BRANCH}/{quoted}"
        if kind == "file"
        else None,
        "type": kind,
        "_links": {"self": url, "git": git, "html": html},
    }


def _file(view: View, repo: dict[str, Any], path: str, with_content: bool) -> dict[str, Any]:
    stored = repo["files"][path]
    raw = base64.b64decode(stored["content"])
    shape = _links(view, repo, path, stored["sha"], "file")
    shape["size"] = len(raw)
    if with_content:
        shape.update(content=_wrapped(raw), encoding="base64")
    return shape


def _directory(view: View, repo: dict[str, Any], path: str) -> list[dict[str, Any]]:
    prefix = f"{path}/" if path else ""
    entries: dict[str, dict[str, Any]] = {}
    for name in sorted(repo["files"]):
        if not name.startswith(prefix):
            continue
        head, slash, _ = name[len(prefix) :].partition("/")
        if slash:
            tree = hashlib.sha1(f"tree:{prefix}{head}".encode()).hexdigest()
            entries.setdefault(head, _links(view, repo, prefix + head, tree, "dir") | {"size": 0})
        else:
            entries[head] = _file(view, repo, name, with_content=False)
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


@router.route("GET", "/repos/{owner}/{repo}/contents")
def get_root(request: Request, store: Store, owner: str, repo: str) -> Response:
    return Response(200, _directory(View.of(request, store), db.repo(store, owner, repo), ""))


@router.route("GET", CONTENTS)
def get_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    record = db.repo(store, owner, repo)
    path = path.strip("/")
    view = View.of(request, store)
    if path in record["files"]:
        media = _raw_media(request)
        if media is not None:
            raw = base64.b64decode(record["files"][path]["content"])
            return Response(200, raw, {"Content-Type": f"{media}; charset=utf-8"})
        return Response(200, _file(view, record, path, with_content=True))
    return Response(200, _directory(view, record, path))


def _commit(
    view: View, repo: dict[str, Any], message: str, stamp: str, author: str
) -> dict[str, Any]:
    sha = hashlib.sha1(f"{repo['full_name']}:{message}:{stamp}:{view.store.next_id()}".encode())
    commit = sha.hexdigest()
    person = {"name": author, "email": "sandbox@example.invalid", "date": stamp}
    base = view.repo_url(repo)
    return {
        "sha": commit,
        "node_id": f"C_{commit[:20]}",
        "url": f"{base}/git/commits/{commit}",
        "html_url": f"{view.web}/{repo['full_name']}/commit/{commit}",
        "author": person,
        "committer": person,
        "message": message,
        "tree": {"url": f"{base}/git/trees/{commit[::-1]}", "sha": commit[::-1]},
        "parents": [],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def _checked(record: dict[str, Any], path: str, body: dict[str, Any]) -> None:
    """GitHub's sha rule: required to replace a file, and it must be the current one."""
    current = record["files"].get(path)
    if current is None:
        return
    if not body.get("sha"):
        db.invalid("Content", "sha", "missing_field", '"sha" wasn\'t supplied.')
    if body["sha"] != current["sha"]:
        message = f"{path} does not match {body['sha']}"
        raise ApiError(409, {"message": message, "documentation_url": db.DOCS, "status": "409"})


@router.route("PUT", CONTENTS)
def put_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    record = db.repo(store, owner, repo)
    path = path.strip("/")
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        db.invalid("Content", "message", "missing_field")
    if not isinstance(body.get("content"), str):
        db.invalid("Content", "content", "missing_field")
    try:
        raw = base64.b64decode(body["content"], validate=False)
    except (binascii.Error, ValueError):
        db.invalid("Content", "content")
    _checked(record, path, body)
    created = path not in record["files"]
    record["files"][path] = {"content": base64.b64encode(raw).decode(), "sha": blob_sha(raw)}
    view = View.of(request, store)
    result = {
        "content": _file(view, record, path, with_content=False),
        "commit": _commit(view, record, body["message"], db.now(store), db.actor(request, store)),
    }
    return Response(201 if created else 200, result)


@router.route("DELETE", CONTENTS)
def delete_contents(request: Request, store: Store, owner: str, repo: str, path: str) -> Response:
    record = db.repo(store, owner, repo)
    path = path.strip("/")
    body = request.json()
    if path not in record["files"]:
        db.not_found()
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        db.invalid("Content", "message", "missing_field")
    _checked(record, path, body)
    del record["files"][path]
    view = View.of(request, store)
    return Response(
        200,
        {
            "content": None,
            "commit": _commit(
                view, record, body["message"], db.now(store), db.actor(request, store)
            ),
        },
    )
