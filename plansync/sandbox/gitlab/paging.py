"""GitLab offset pagination, pure: page/per_page from the query, the slice, and the headers.

GitLab echoes every query parameter of the request into the `Link` URLs (page and per_page
replaced) and builds them from the request's own base URL; python-gitlab warns otherwise.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# Above this many records GitLab stops counting: no X-Total, X-Total-Pages or rel="last".
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int


def _positive(text: str | None) -> int | None:
    try:
        value = int(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None


def _last(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def page_of(query: dict[str, list[str]]) -> Page:
    """The requested page; bad or missing values fall back to page 1 and 20 per page."""
    number = _positive(_last(query, "page")) or 1
    per_page = _positive(_last(query, "per_page")) or DEFAULT_PER_PAGE
    return Page(number, min(per_page, MAX_PER_PAGE))


def page_url(url: str, query: dict[str, list[str]], page: Page, number: int) -> str:
    """`url` with every parameter of `query` echoed, sorted like Rails' `to_query` does."""
    pairs = [
        (key, value)
        for key in sorted(query)
        if key not in ("page", "per_page")
        for value in query[key]
    ]
    pairs += [("page", str(number)), ("per_page", str(page.per_page))]
    pairs.sort(key=lambda pair: pair[0])
    return f"{url}?{urllib.parse.urlencode(pairs)}"


def headers_for(url: str, query: dict[str, list[str]], page: Page, total: int) -> dict[str, str]:
    """X-* and Link headers for page `page` of `total` records listed at `url`."""
    pages = max(1, -(-total // page.per_page))
    counted = total <= COUNT_LIMIT
    has_next = page.number * page.per_page < total
    has_prev = page.number > 1
    links: list[tuple[int, str]] = []
    if has_prev:
        links.append((page.number - 1, "prev"))
    if has_next:
        links.append((page.number + 1, "next"))
    links.append((1, "first"))
    if counted:
        links.append((pages, "last"))
    headers = {
        "X-Page": str(page.number),
        "X-Per-Page": str(page.per_page),
        "X-Next-Page": str(page.number + 1) if has_next else "",
        "X-Prev-Page": str(page.number - 1) if has_prev else "",
        "Link": ", ".join(f'<{page_url(url, query, page, n)}>; rel="{rel}"' for n, rel in links),
    }
    if counted:
        headers["X-Total"] = str(total)
        headers["X-Total-Pages"] = str(pages)
    return headers


def paginate(
    items: Sequence[T], url: str, query: dict[str, list[str]]
) -> tuple[list[T], dict[str, str]]:
    """The records on the requested page and the headers describing where it sits."""
    page = page_of(query)
    start = (page.number - 1) * page.per_page
    return list(items[start : start + page.per_page]), headers_for(url, query, page, len(items))
