"""What runs around every GitLab handler: authentication, then the rate limits, then the
handler; the `RateLimit-*` headers go on its answer, success or error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plansync.sandbox.gitlab import auth, db, limits
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router

Handler = Callable[..., Response]


def _windows(store: Any, user_id: int) -> dict[str, limits.Window]:
    saved = db.root(store)["rate"].get(str(user_id), {})
    return {kind: limits.Window(w["start"], w["count"]) for kind, w in saved.items()}


def admit(request: Request, store: Any, kind: str) -> dict[str, str]:
    """Count the request; raise the 429 if a limit is spent, else return the headers to send."""
    user = auth.authenticate(request, store)
    settings = limits.Settings.from_config(store.config.get("gitlab") or {})
    scale = float(getattr(store.clock, "scale", 1.0))
    windows, decision = limits.check(
        settings, _windows(store, user["id"]), kind, store.clock.now(), scale
    )
    db.root(store)["rate"][str(user["id"])] = {
        name: {"start": w.start, "count": w.count} for name, w in windows.items()
    }
    headers = limits.client_times(decision.headers, store.clock.to_source)
    if not decision.allowed:
        raise ApiError(429, decision.body, headers)
    return headers


def guarded(handler: Handler, kind: str = "api", route: str | None = None) -> Handler:
    def run(request: Request, store: Any, **params: str) -> Response:
        headers: dict[str, str] = {}
        with store.lock:
            try:
                headers = admit(request, store, kind)
                response = handler(request, store, **params)
            except ApiError as error:
                error.headers = headers | error.headers
                # Name the route in the core's stats even when the answer is an error.
                error.route = getattr(error, "route", None) or route
                raise
        response.headers = headers | (response.headers or {})
        return response

    run.__name__ = getattr(handler, "__name__", "handler")
    return run


def register(router: Router, routes: list[tuple[str, str, Handler, str]]) -> None:
    for method, pattern, handler, kind in routes:
        router.add(method, pattern, guarded(handler, kind, f"{method} {pattern}"))
