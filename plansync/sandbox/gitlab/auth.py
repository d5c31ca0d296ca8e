"""Who is calling: the token from `PRIVATE-TOKEN`, `Authorization: Bearer` or `private_token`,
checked against the store's tokens; anything else gets GitLab's 401."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import db
from plansync.sandbox.http import ApiError, Request

UNAUTHORIZED = {"message": "401 Unauthorized"}


def token_of(request: Request) -> str | None:
    private = request.headers.get("PRIVATE-TOKEN")
    if private:
        return private.strip()
    scheme, _, value = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.arg("private_token") or request.arg("access_token")


def authenticate(request: Request, store: Any) -> db.Record:
    """The calling user; 401 for a missing or unknown token (the sandbox has no anonymous use)."""
    token = token_of(request)
    if token is None or token not in store.tokens:
        raise ApiError(401, dict(UNAUTHORIZED))
    return db.current_user(store)
