"""GitHub pagination: `page`/`per_page` slicing and the `Link` header with first/prev/next/last."""

from __future__ import annotations

import urllib.parse
from typing import Any, TypeVar

from plansync.sandbox.github.data import invalid
from plansync.sandbox.http import Request

T = TypeVar("T")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


def page_args(request: Request) -> tuple[int, int]:
    """(page, per_page) with GitHub's leniency: bad values fall back, per_page caps at 100."""

    def number(name: str, default: int) -> int:
        try:
            return max(1, int(request.arg(name) or default))
        except ValueError:
            return default

    return number("page", 1), min(MAX_PER_PAGE, number("per_page", DEFAULT_PER_PAGE))


def link_header(base: str, query: dict[str, list[str]], page: int, last: int) -> str | None:
    """The `Link` header for `page` of `last`; None when everything fits on one page."""
    if last <= 1 and page <= 1:
        return None

    def url(target: int) -> str:
        params = [(k, v) for k, vs in query.items() if k != "page" for v in vs]
        params.append(("page", str(target)))
        return f"<{base}?{urllib.parse.urlencode(params)}>"

    links = []
    if page > 1:
        links.append(f'{url(min(page - 1, last))}; rel="prev"')
    if page < last:
        links.append(f'{url(page + 1)}; rel="next"')
        links.append(f'{url(last)}; rel="last"')
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
    return ", ".join(links)


def paginate(request: Request, items: list[T]) -> tuple[list[T], dict[str, str]]:
    """The requested page of `items` and the headers that go with it."""
    page, per_page = page_args(request)
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    link = link_header(request.api_url + request.path, request.query, page, last)
    return chunk, ({"Link": link} if link else {})


def choice(request: Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    """A query value that must be one of `allowed` (422 otherwise, as GitHub answers)."""
    value = request.arg(name) or default
    if value not in allowed:
        invalid("Issue", name)
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
