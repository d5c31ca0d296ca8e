"""Route tables: `{name}` and `{name:path}` patterns matched against the raw path, then dispatch.

Segments are split on the raw `/` before URL-decoding, so `group%2Fproject` stays one segment.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plansync.sandbox.http import ApiError, Request, Response

Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    parts: tuple[str, ...]
    handler: Handler

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """Decoded parameters if `segments` (raw, still encoded) fit this route, else None."""
        params: dict[str, str] = {}
        for index, part in enumerate(self.parts):
            if part.startswith("{") and part.endswith(":path}"):
                rest = segments[index:]
                if not rest or rest == [""]:
                    return None
                params[part[1:-6]] = urllib.parse.unquote("/".join(rest))
                return params
            if index >= len(segments):
                return None
            segment = segments[index]
            if part.startswith("{") and part.endswith("}"):
                if not segment:
                    return None
                params[part[1:-1]] = urllib.parse.unquote(segment)
            elif part != segment:
                return None
        return params if len(segments) == len(self.parts) else None


def _split(path: str) -> list[str]:
    return path.strip("/").split("/") if path.strip("/") else []


class Router:
    """An ordered list of routes; the first match wins."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append(Route(method.upper(), pattern, tuple(_split(pattern)), handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, pattern, handler)
            return handler

        return register

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and parameters for a request; 404 when no pattern fits, 405 on the method."""
        segments = _split(path)
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(segments)
            if params is None:
                continue
            if route.method == method.upper():
                return route, params
            allowed.append(route.method)
        if allowed:
            raise ApiError(405, {"message": "Method Not Allowed"}, {"Allow": ", ".join(allowed)})
        raise ApiError(404, {"message": "Not Found"})

    def dispatch(self, request: Request, store: Any) -> Response:
        route, params = self.resolve(request.method, request.path)
        name = f"{route.method} {route.pattern}"
        try:
            response = route.handler(request, store, **params)
        except ApiError as error:
            error.route = name  # so errors are counted under their route too
            raise
        response.route = name
        return response
