"""Who am I and what is left: `GET /user`, `GET /users/{login}`, `GET /rate_limit`."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.render import View
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()
EPOCH = "2020-01-01T00:00:00Z"


def _profile(view: View, login: str) -> dict[str, Any]:
    shape = view.user(login) or {}
    shape.update(
        name=login,
        company=None,
        blog="",
        location=None,
        email=None,
        hireable=None,
        bio=None,
        twitter_username=None,
        public_repos=0,
        public_gists=0,
        followers=0,
        following=0,
        created_at=EPOCH,
        updated_at=EPOCH,
    )
    return shape


@router.route("GET", "/user")
def get_user(request: Request, store: Store) -> Response:
    if "account" in request.context and request.context["account"] is None:
        raise ApiError(401, {"message": "Requires authentication", "documentation_url": db.DOCS})
    return Response(200, _profile(View.of(request, store), db.actor(request, store)))


@router.route("GET", "/users/{login}")
def get_named_user(request: Request, store: Store, login: str) -> Response:
    return Response(200, _profile(View.of(request, store), login))


@router.route("GET", "/rate_limit")
def rate_limit(request: Request, store: Store) -> Response:
    core: dict[str, int] = request.context.get("rate") or {
        "limit": 5000,
        "remaining": 5000,
        "reset": int(store.clock.now()) + 3600,
        "used": 0,
    }
    idle = {"limit": 5000, "remaining": 5000, "reset": core["reset"], "used": 0}
    search = {"limit": 30, "remaining": 30, "reset": core["reset"], "used": 0}
    resources = {"core": core, "search": search, "graphql": idle, "code_search": search}
    return Response(200, {"resources": resources, "rate": core})
