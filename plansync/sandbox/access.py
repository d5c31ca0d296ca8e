"""Who may call: the token a request carries, the account it acts as, the admin API's lock, and
the refusal of cross-site requests (an `Origin` other than the sandbox's own).

A web page the developer visits can post to a sandbox on localhost; it cannot read the token or
send a same-origin request, so admin calls need the admin token and foreign origins get a 403.
"""

from __future__ import annotations

from plansync.sandbox.http import Request, Response
from plansync.sandbox.state import Account, Store

ADMIN_PREFIX = "/_sandbox"


def bearer(request: Request) -> str | None:
    """The token in `Authorization: token X` / `Bearer X`, or in `PRIVATE-TOKEN`; None if absent."""
    header = request.headers.get("Authorization") or ""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() in ("token", "bearer") and value.strip():
        return value.strip()
    private = (request.headers.get("PRIVATE-TOKEN") or "").strip()
    return private or None


def is_admin(request: Request) -> bool:
    return request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/")


def foreign_origin(request: Request) -> Response | None:
    """403 for a request whose `Origin` is not this server (a browser's cross-site request)."""
    origin = request.headers.get("Origin")
    if origin is None or origin.rstrip("/") == request.base_url:
        return None
    body = {"message": "cross-origin requests are refused by the sandbox"}
    return Response(403, body, route="origin")


def admin_refusal(request: Request, store: Store) -> Response | None:
    """401 unless the request carries an admin token, sent as for the API."""
    token = bearer(request)
    if token is not None and token in store.admin_tokens:
        return None
    body = {
        "message": "the admin API needs the sandbox token: "
        "send 'Authorization: token TOKEN' or 'PRIVATE-TOKEN: TOKEN'"
    }
    return Response(401, body, route="admin-auth")


def account_of(request: Request) -> Account | None:
    """The account the core found for this request (None: anonymous)."""
    found = request.context.get("account")
    return found if isinstance(found, Account) else None
