"""Conditional requests: `ETag` on 200 GETs and 201s, GitHub's `Last-Modified` on single objects,
and the empty 304 for a matching `If-None-Match` (or, without one, `If-Modified-Since`)."""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import time
from dataclasses import replace
from typing import Any

from plansync.sandbox.http import Request, Response, encode_body


def etag_of(payload: bytes) -> str:
    return 'W/"' + hashlib.sha256(payload).hexdigest() + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or wanted in tags


def last_modified(body: Any) -> float | None:
    """Epoch seconds of an object's `updated_at` (GitHub's ISO form), or None for lists etc.

    Only single objects get one: a list's newest `updated_at` does not change when an item
    leaves the list, so a 304 on it could hide a change.
    """
    stamp = body.get("updated_at") if isinstance(body, dict) else None
    if not isinstance(stamp, str):
        return None
    try:
        return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def _not_modified_since(header: str | None, modified: float) -> bool:
    if not header:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as HTTP says
    return modified <= since


def conditional(request: Request, response: Response, github: bool) -> Response:
    """Add validators to a 200 GET or a 201; turn a GET that matches them into a 304.

    `If-None-Match` wins over `If-Modified-Since` when both are sent (RFC 9110 13.2.2): PyGithub
    sends both, and a change within the same second must not look unchanged.
    """
    is_get = request.method == "GET" and response.status == 200
    if not is_get and response.status != 201:
        return response
    payload, _ = encode_body(response.body)
    headers = dict(response.headers or {})
    headers["ETag"] = etag_of(payload)
    modified = last_modified(response.body) if github and is_get else None
    if modified is not None:
        headers["Last-Modified"] = email.utils.formatdate(modified, usegmt=True)
    if is_get:
        match = request.headers.get("If-None-Match")
        if match is not None:
            unchanged = etag_matches(match, headers["ETag"])
        else:
            since = request.headers.get("If-Modified-Since")
            unchanged = modified is not None and _not_modified_since(since, modified)
        if unchanged:
            return Response(304, None, headers, response.route)
    return replace(response, headers=headers)
