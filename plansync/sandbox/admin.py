"""The admin API under `/_sandbox/`: reset, seed, faults, limits, tokens, stats, request log.

Admin calls need the sandbox's token (or its admin token), sent as for the API; they are never
faulted or rate limited, and are not counted in the stats (see `access.py` for the lock).
Handlers get the `App` (not the store) because they reach the counters, faults and limiter.
"""

from __future__ import annotations

import copy
import importlib
import secrets
from typing import TYPE_CHECKING, Any

from plansync.sandbox.faults import FaultSpecError, parse_spec
from plansync.sandbox.github.seed import seed as seed_github
from plansync.sandbox.http import ApiError, Request, Response
from plansync.sandbox.routing import Router

if TYPE_CHECKING:
    from plansync.sandbox.app import App

ROUTER = Router()
ENDPOINTS = {
    "GET /_sandbox/stats": "counters since start or the last reset",
    "POST /_sandbox/stats/reset": "zero the counters, keep the data",
    "POST /_sandbox/reset": "empty all data, counters, rate-limit usage and faults",
    "GET /_sandbox/requests": "the request log (?limit=N for the last N)",
    "GET|POST|DELETE /_sandbox/faults": "read, set ({spec, seed}) or clear fault rules",
    "GET|POST /_sandbox/limits": "read or merge settings (limits, time_scale, latency_ms)",
    "POST /_sandbox/seed": "create data: {github: {repos: ...}, gitlab: {...}}",
    "POST /_sandbox/tokens": "add an account: {login, token, write} (all optional)",
    "GET /_sandbox/state": "all stored data as JSON",
}


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Merge `patch` into `target`, recursing into dicts; a null value removes a key."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, {"message": "expected a JSON object"})
    return body


@ROUTER.route("GET", "/_sandbox")
def index(request: Request, app: App) -> Response:
    urls = {
        "github": request.base_url,
        "github_api_v3": request.base_url + "/api/v3",
        "gitlab": request.base_url,
        "gitlab_api_v4": request.base_url + "/api/v4",
    }
    return Response(200, {"urls": urls, "endpoints": ENDPOINTS})


@ROUTER.route("GET", "/_sandbox/stats")
def stats(request: Request, app: App) -> Response:
    return Response(200, app.stats.to_dict())


@ROUTER.route("POST", "/_sandbox/stats/reset")
def reset_stats(request: Request, app: App) -> Response:
    app.stats.reset()
    return Response(200, app.stats.to_dict())


@ROUTER.route("POST", "/_sandbox/reset")
def reset(request: Request, app: App) -> Response:
    """Empty everything; `{"limits": true}` also restores the settings the server started with."""
    body = _body(request)
    app.reset(limits=bool(body.get("limits")))
    return Response(200, {"reset": True})


@ROUTER.route("GET", "/_sandbox/requests")
def requests_log(request: Request, app: App) -> Response:
    limit = request.arg("limit")
    return Response(200, app.stats.entries(int(limit) if limit and limit.isdigit() else None))


@ROUTER.route("GET", "/_sandbox/faults")
def get_faults(request: Request, app: App) -> Response:
    return Response(200, app.faults.describe())


@ROUTER.route("POST", "/_sandbox/faults")
def set_faults(request: Request, app: App) -> Response:
    body = _body(request)
    try:
        rules = parse_spec(str(body.get("spec") or ""))
    except FaultSpecError as error:
        raise ApiError(400, {"message": str(error)}) from error
    app.faults.set(rules, int(body.get("seed", app.faults.seed)))
    return Response(200, app.faults.describe())


@ROUTER.route("DELETE", "/_sandbox/faults")
def clear_faults(request: Request, app: App) -> Response:
    app.faults.set([], app.faults.seed)
    return Response(200, app.faults.describe())


@ROUTER.route("GET", "/_sandbox/limits")
def get_limits(request: Request, app: App) -> Response:
    return Response(200, app.store.config)


@ROUTER.route("POST", "/_sandbox/limits")
def set_limits(request: Request, app: App) -> Response:
    app.configure(_body(request))
    return Response(200, app.store.config)


@ROUTER.route("POST", "/_sandbox/seed")
def seed(request: Request, app: App) -> Response:
    body = _body(request)
    created: dict[str, Any] = {}
    if "github" in body:
        created["github"] = seed_github(app.store, body["github"])
    if "gitlab" in body:
        seeder = getattr(importlib.import_module("plansync.sandbox.gitlab"), "seed", None)
        if seeder is None:
            raise ApiError(501, {"message": "the GitLab half has no seeder"})
        with app.store.lock:
            created["gitlab"] = seeder(app.store, body["gitlab"])
    app.store.save()
    return Response(201, created)


def _write_access(value: Any) -> bool | list[str]:
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(name, str) for name in value):
        return value
    raise ApiError(400, {"message": "write must be true, false or a list of owner/name"})


@ROUTER.route("POST", "/_sandbox/tokens")
def add_token(request: Request, app: App) -> Response:
    """An account: `login` (omitted: the default account), `token` (omitted: generated) and
    `write` (push access: true, false, or a list of repositories; default true)."""
    body = _body(request)
    token = body.get("token") or f"sandbox-{secrets.token_hex(12)}"
    login = body.get("login")
    if not isinstance(token, str) or (login is not None and not isinstance(login, str)):
        raise ApiError(400, {"message": "expected {login: string, token: string, write: ...}"})
    account = app.store.add_account(token, login or None, _write_access(body.get("write", True)))
    answer = {"token": token, **account.to_json(), "tokens": len(app.store.accounts)}
    return Response(201, answer)


@ROUTER.route("GET", "/_sandbox/state")
def state(request: Request, app: App) -> Response:
    with app.store.lock:
        return Response(200, copy.deepcopy(app.store.snapshot()))
