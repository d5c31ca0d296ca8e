"""The request pipeline: origin check, admin (locked) or service, faults and latency, GitHub auth
and rate limits, dispatch under the store lock, ETag/304, counters, persistence. No sockets here.
"""

from __future__ import annotations

import copy
import importlib
import math
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from plansync.sandbox import access, admin
from plansync.sandbox.conditional import conditional
from plansync.sandbox.faults import WAITS, Fault, Faults, Kind
from plansync.sandbox.github import ROUTER as GITHUB
from plansync.sandbox.http import ApiError, DropConnection, Request, Response, encode_body
from plansync.sandbox.limits import DOCS, GithubLimiter, GithubLimits
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store
from plansync.sandbox.stats import Entry, InFlight, Stats

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
FREE_PATHS = {"/rate_limit"}  # GitHub does not charge for asking about the limit
GITHUB_DOCS = "https://docs.github.com/rest"
ERROR_BODIES = {
    "github": {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"},
    "gitlab": {500: "500 Internal Server Error", 502: "502 Bad Gateway", 503: "503 Unavailable"},
}
Wire = tuple[int, dict[str, str], bytes]


def gitlab_router() -> Router | None:
    """The GitLab routes, if that half is installed; the GitHub half works without it."""
    try:
        gitlab = importlib.import_module("plansync.sandbox.gitlab")
    except ModuleNotFoundError as error:
        if error.name != "plansync.sandbox.gitlab":
            raise
        return None
    router = getattr(gitlab, "ROUTER", None)
    return router if isinstance(router, Router) else None


@dataclass
class Outcome:
    """What the pipeline settled on for one request, before it becomes bytes."""

    response: Response
    service: str
    points: int = 0
    fault: Fault | None = None


class App:
    """Everything between a parsed Request and the bytes on the wire."""

    def __init__(
        self,
        store: Store,
        faults: Faults | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.stats = Stats()
        self.in_flight = InFlight()
        self.limiter = GithubLimiter()
        # Latency passes on the store's time source, so a fake clock makes it instant.
        self.sleep = sleep or store.clock.source.sleep
        self.initial_config = copy.deepcopy(store.config)
        self.initial_accounts = dict(store.accounts)
        self.configure({})

    def configure(self, patch: dict[str, Any]) -> None:
        """Merge settings into `store.config` (GitLab's under "gitlab"); apply the time scale."""
        admin.merge(self.store.config, patch)
        self.store.clock.set_scale(float(self.store.config.get("time_scale", 1) or 1))

    def reset(self, limits: bool = False) -> None:
        """Empty data, counters, rate-limit usage and faults; `limits` also restores settings and
        tokens to what the server started with."""
        self.store.reset()
        self.stats.reset()
        self.limiter.reset()
        self.faults.set([], self.faults.seed)
        self.faults.gate.release()
        if limits:
            self.store.accounts = dict(self.initial_accounts)
            self.store.config.clear()
            self.configure(copy.deepcopy(self.initial_config))

    @property
    def github_limits(self) -> GithubLimits:
        return GithubLimits.from_config(self.store.config.get("github", {}))

    def handle(self, request: Request) -> Wire:
        refused = access.foreign_origin(request)
        if refused is not None:
            return self._wire(request, refused)
        if access.is_admin(request):
            locked = access.admin_refusal(request, self.store)
            return self._wire(request, locked or self._admin(request))
        self.in_flight.enter()
        try:
            return self._serve(request)
        finally:
            self.in_flight.leave()

    def _serve(self, request: Request) -> Wire:
        service, request = self._service(request)
        faults = self.faults.pick(request.method, request.path, request.prefix + request.path)
        fault = next((f for f in faults if f.kind not in WAITS), None)
        delay = float(self.store.config.get("latency_ms", 0) or 0)
        delay += sum(f.latency_ms for f in faults if f.kind is Kind.LATENCY)
        held = any(f.kind is Kind.HOLD for f in faults)
        router = GITHUB if service == "github" else gitlab_router()

        def serve() -> Response:
            # Runs once the request is admitted, so latency and holds count as time in flight.
            if held:
                self.faults.gate.hold()
            if delay > 0:
                self.sleep(delay / 1000)
            if fault is not None and fault.kind is Kind.RESET:
                raise DropConnection
            if fault is not None and fault.kind is Kind.ERROR:
                body = {"message": ERROR_BODIES[service][fault.status]}
                return Response(fault.status, body, route="fault")
            return self._finish(request, self._dispatch(router, request))

        try:
            if service == "github":
                outcome = self._github(request, serve)
            else:
                outcome = Outcome(serve(), "gitlab")
                outcome.points = 0 if outcome.response.status == 304 else 1
        except DropConnection:
            self._record(request, Outcome(Response(0, route="reset"), service, fault=fault))
            raise
        outcome.fault = fault or (faults[0] if faults else None)
        self._record(request, outcome)
        if fault is not None and fault.kind is Kind.LOST:
            raise DropConnection  # the handler ran and its write stays: only the answer is lost
        status, headers, payload = self._wire(request, outcome.response)
        if fault is not None and fault.kind is Kind.MALFORMED:
            payload = payload[: len(payload) // 2] if len(payload) > 2 else b'{"'
        return status, headers, payload

    def _service(self, request: Request) -> tuple[str, Request]:
        for prefix, service in (("/api/v4", "gitlab"), ("/api/v3", "github")):
            if request.path == prefix or request.path.startswith(prefix + "/"):
                return service, replace(
                    request, path=request.path[len(prefix) :] or "/", prefix=prefix
                )
        return "github", request

    def _admin(self, request: Request) -> Response:
        try:
            return admin.ROUTER.dispatch(request, self)
        except ApiError as error:
            return Response(error.status, error.body, error.headers, error.route)

    def _dispatch(self, router: Router | None, request: Request) -> Response:
        try:
            if router is None:
                raise ApiError(404, {"message": "404 Not Found"})
            with self.store.lock:
                return router.dispatch(request, self.store)
        except ApiError as error:
            return Response(error.status, error.body, error.headers, error.route or "unmatched")
        except Exception as error:  # a handler bug answers 500; the server lives on
            traceback.print_exc(file=sys.stderr)
            body = {"message": f"sandbox bug: {type(error).__name__}: {error}"}
            return Response(500, body, route="crash")

    def _finish(self, request: Request, response: Response) -> Response:
        response = conditional(request, response, github=request.prefix != "/api/v4")
        if request.method in WRITES and 200 <= response.status < 300:
            self.store.save()
        return response

    def _github(self, request: Request, serve: Callable[[], Response]) -> Outcome:
        """Auth and rate limits around `serve`; every answer carries the x-ratelimit headers."""
        token = access.bearer(request)
        limits = self.github_limits
        account = self.store.accounts.get(token) if token is not None else None
        if (token is not None and account is None) or (token is None and request.method in WRITES):
            message = "Bad credentials" if token is not None else "Requires authentication"
            body = {"message": message, "documentation_url": GITHUB_DOCS, "status": "401"}
            headers = self._client_time(self.limiter.headers("", self.store.clock.now(), limits))
            return Outcome(Response(401, body, headers, "auth"), "github")
        request.context["account"] = account
        identity = token or ""
        free = request.path in FREE_PATHS
        now = self.store.clock.now()
        refusal = self.limiter.admit(identity, now, request.method in WRITES, free, limits)
        if refusal is not None:
            body = {"message": refusal.message, "documentation_url": DOCS}
            headers = self._client_time(refusal.headers)
            return Outcome(Response(refusal.status, body, headers, "limit"), "github")
        rate = self.limiter.snapshot(identity, now, limits)
        rate["reset"] = self._client_reset(rate["reset"])
        request.context["rate"] = rate
        response = Response(0, route="reset")  # what a reset leaves: no answer, no charge
        try:
            response = serve()
        finally:
            self.limiter.release(identity, refund=response.status in (0, 304) and not free)
        headers = self._client_time(self.limiter.headers(identity, self.store.clock.now(), limits))
        headers.update(response.headers or {})
        points = 0 if free or response.status == 304 else 1
        return Outcome(replace(response, headers=headers), "github", points)

    def _client_reset(self, moment: float) -> int:
        """A reset moment of sandbox time as the epoch second clients must wait until."""
        return math.ceil(self.store.clock.to_source(moment))

    def _client_time(self, headers: dict[str, str]) -> dict[str, str]:
        """Limits count in scaled time; clients are told real (source) times and spans, so an
        unmodified client waits the right real span under a `time_scale`."""
        told = dict(headers)
        if "x-ratelimit-reset" in told:
            told["x-ratelimit-reset"] = str(self._client_reset(float(told["x-ratelimit-reset"])))
        if "retry-after" in told:
            told["retry-after"] = str(self.store.clock.span(float(told["retry-after"])))
        return told

    def _record(self, request: Request, outcome: Outcome) -> None:
        status = outcome.response.status
        entry = Entry(
            time=self.store.clock.now(),
            service=outcome.service,
            method=request.method,
            path=request.prefix + request.path,
            query="&".join(f"{k}={v}" for k, vs in request.query.items() for v in vs),
            status=status,
            route=outcome.response.route or "unmatched",
            fault=outcome.fault.rule if outcome.fault else None,
        )
        write = request.method in WRITES and 200 <= status < 300
        self.stats.record(entry, write, outcome.points)

    def _wire(self, request: Request, response: Response) -> Wire:
        payload, ctype = encode_body(response.body)
        headers: dict[str, str] = {}
        if ctype is not None:
            headers["Content-Type"] = ctype
        headers.update(response.headers or {})
        return response.status, headers, payload
