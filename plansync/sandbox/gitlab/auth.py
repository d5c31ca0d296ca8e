"""Who is calling: the token from `PRIVATE-TOKEN`, `Authorization: Bearer` or `private_token`,
checked against the store's accounts; anything else gets GitLab's 401. An account without write
access is a non-member (or Guest): like GitLab, the issue metadata it sends is dropped."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import db
from plansync.sandbox.http import ApiError, Request
from plansync.sandbox.state import Account

UNAUTHORIZED = {"message": "401 Unauthorized"}


def token_of(request: Request) -> str | None:
    private = request.headers.get("PRIVATE-TOKEN")
    if private:
        return private.strip()
    scheme, _, value = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.arg("private_token") or request.arg("access_token")


# What GitLab's IssuableBaseService#filter_params drops for a user who cannot admin the issue.
METADATA = (
    *("labels", "add_labels", "remove_labels", "milestone_id", "assignee_ids", "assignee_id"),
    *("due_date", "discussion_locked", "weight"),
)


def account(request: Request, store: Any) -> Account:
    """The calling account; 401 for a missing or unknown token (no anonymous use here)."""
    token = token_of(request)
    found = store.accounts.get(token) if token is not None else None
    if not isinstance(found, Account):
        raise ApiError(401, dict(UNAUTHORIZED))
    return found


def authenticate(request: Request, store: Any) -> db.Record:
    """The calling user: the default user, or the account's own user made on first use."""
    login = account(request, store).login
    return db.current_user(store) if login is None else db.user_by_username(store, login)


def permitted(request: Request, store: Any, project: db.Record, params: dict[str, Any]) -> Any:
    """`params` without the metadata a caller lacking Reporter access may not set."""
    if account(request, store).can_write(project["path_with_namespace"]):
        return params
    return {k: v for k, v in params.items() if k not in METADATA}
