"""GitHub listings read as JSON: pages followed by their `Link` header, and issues made
into plansync's records without building PyGithub objects.

Building a PyGithub object per listed issue (with its milestone, labels and users) was a
third of a no-op re-sync's CPU at 5,000 issues; the provider builds one only to write.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import requests
from github.Requester import Requester

from plansync.engine.records import RemoteIssue, RemoteState
from plansync.errors import ProviderError

PER_PAGE = 100


def pages(requester: Requester, url: str, parameters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every element of a listing, asked for as PyGithub's PaginatedList asks (the same URLs,
    so ETags cached by earlier runs still match), following `Link: <...>; rel="next"`."""
    next_url: str | None = url
    parameters = {**parameters, "per_page": PER_PAGE}
    while next_url:
        headers, page = requester.requestJsonAndCheck("GET", next_url, parameters=parameters)
        if not isinstance(page or [], list) or not all(isinstance(e, dict) for e in page or []):
            raise ProviderError(
                "GitHub sent a listing plansync cannot read (not a list of objects)",
                "try again later; if it persists, check --base-url and any proxy",
            )
        yield from page or ()
        next_url, parameters = _next_page(headers), {}


def _next_page(headers: dict[str, Any]) -> str | None:
    links = requests.utils.parse_header_links(str(headers.get("link") or ""))
    return next((str(link["url"]) for link in links if link.get("rel") == "next"), None)


def html_url(issue: dict[str, Any]) -> str:
    return str(issue.get("html_url") or "")


def is_pull_request(issue: dict[str, Any]) -> bool:
    return "/pull/" in html_url(issue)


def iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    utc = moment if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def remote_issue(issue: dict[str, Any]) -> RemoteIssue:
    """What `github._issue` reads from a PyGithub Issue, read from the issue's JSON."""
    if issue["state"] == "open":
        state = RemoteState.OPEN
    else:
        skipped = issue.get("state_reason") == "not_planned"
        state = RemoteState.SKIPPED if skipped else RemoteState.DONE
    milestone, user = issue.get("milestone"), issue.get("user")
    return RemoteIssue(
        number=int(issue["number"]),
        id=int(issue["id"]),
        title=issue.get("title") or "",
        body=issue.get("body") or "",
        state=state,
        labels=tuple(str(label["name"]) for label in issue.get("labels") or ()),
        milestone=int(milestone["number"]) if milestone else None,
        assignees=tuple(str(person["login"]) for person in issue.get("assignees") or ()),
        url=html_url(issue),
        author=str(user.get("login") or "") if user else "",
        created_at=iso(_moment(issue.get("created_at"))),
    )
