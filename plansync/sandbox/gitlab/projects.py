"""Projects and users: `GET /projects/:id` (made on first use by path), `/user`, `/users`."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import auth, db, paging, render
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response


def get_project(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    return Response(200, render.project(store, Urls.of(request), record))


def _namespace_path(store: Any, namespace: Any) -> str:
    if namespace in (None, ""):
        return str(db.current_user(store)["username"])
    for path, record in db.root(store)["namespaces"].items():
        if str(record["id"]) == str(namespace) or path == str(namespace):
            return str(path)
    raise ApiError(404, {"message": "404 Namespace Not Found"})


def create_project(request: Request, store: Any) -> Response:
    """`POST /projects` (name and/or path, namespace_id); projects also appear on first use."""
    params = request.params()
    name = str(params.get("path") or params.get("name") or "").strip()
    if not name:
        raise ApiError(
            400, {"error": "name, path are missing, at least one parameter must be provided"}
        )
    path = f"{_namespace_path(store, params.get('namespace_id'))}/{name}"
    if path in db.root(store)["paths"]:
        raise ApiError(400, {"message": {"path": ["has already been taken"]}})
    record = db.ensure_project(store, path)
    return Response(201, render.project(store, Urls.of(request), record))


def get_current_user(request: Request, store: Any) -> Response:
    return Response(200, render.current_user(Urls.of(request), auth.authenticate(request, store)))


def list_users(request: Request, store: Any) -> Response:
    db.current_user(store)
    for account in store.accounts.values():  # accounts are users before their first request
        if account.login:
            db.user_by_username(store, account.login)
    users = sorted(db.root(store)["users"].values(), key=lambda u: u["id"])
    username = request.arg("username")
    if username is not None:
        users = [u for u in users if u["username"].lower() == username.lower()]
    urls = Urls.of(request)
    page, headers = paging.paginate(users, urls.api + request.path, request.query)
    return Response(200, [render.user(urls, u) for u in page], headers)


def get_user(request: Request, store: Any, user_id: str) -> Response:
    record = db.user_by_id(store, int(user_id)) if user_id.isdigit() else None
    if record is None:
        raise ApiError(404, {"message": "404 User Not Found"})
    return Response(200, render.user(Urls.of(request), record))


ROUTES = [
    ("GET", "/user", get_current_user, "api"),
    ("GET", "/users", list_users, "api"),
    ("GET", "/users/{user_id}", get_user, "api"),
    ("POST", "/projects", create_project, "api"),
    ("GET", "/projects/{project}", get_project, "api"),
]
