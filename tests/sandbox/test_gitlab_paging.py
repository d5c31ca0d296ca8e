"""GitLab pagination headers, pure: the X-* headers and Link URLs as gitlab.com sends them."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.sandbox.gitlab.paging import Page, headers_for, page_of, page_url, paginate

URL = "http://127.0.0.1:9/api/v4/projects/1/issues"


def links(header: str) -> dict[str, str]:
    found = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, Page(1, 20)),
        ({"page": ["3"], "per_page": ["50"]}, Page(3, 50)),
        ({"per_page": ["500"]}, Page(1, 100)),
        ({"page": ["0"], "per_page": ["-1"]}, Page(1, 20)),
        ({"page": ["x"], "per_page": ["y"]}, Page(1, 20)),
        ({"page": ["1", "2"]}, Page(2, 20)),
    ],
)
def test_page_of(query: dict[str, list[str]], expected: Page) -> None:
    assert page_of(query) == expected


def test_middle_page_matches_the_recorded_gitlab_headers() -> None:
    query = {"state": ["opened"], "order_by": ["updated_at"], "sort": ["desc"], "page": ["2"]}
    headers = headers_for(URL, query, Page(2, 20), 56)
    assert headers["X-Page"] == "2"
    assert headers["X-Next-Page"] == "3"
    assert headers["X-Prev-Page"] == "1"
    assert headers["X-Per-Page"] == "20"
    assert headers["X-Total"] == "56"
    assert headers["X-Total-Pages"] == "3"
    rels = links(headers["Link"])
    assert list(rels) == ["prev", "next", "first", "last"]
    assert rels["next"] == (URL + "?order_by=updated_at&page=3&per_page=20&sort=desc&state=opened")


def test_last_page_has_no_next() -> None:
    headers = headers_for(URL, {}, Page(3, 20), 56)
    assert headers["X-Next-Page"] == ""
    assert "next" not in links(headers["Link"])


def test_empty_list_is_one_page() -> None:
    headers = headers_for(URL, {}, Page(1, 20), 0)
    assert headers["X-Total"] == "0"
    assert headers["X-Total-Pages"] == "1"
    assert headers["X-Prev-Page"] == ""
    assert list(links(headers["Link"])) == ["first", "last"]


def test_array_parameters_are_echoed_with_every_value() -> None:
    query = {"labels[]": ["a", "b c"], "iids[]": ["1", "2"]}
    parsed = urllib.parse.urlsplit(page_url(URL, query, Page(1, 20), 2))
    assert urllib.parse.parse_qs(parsed.query) == {
        "iids[]": ["1", "2"],
        "labels[]": ["a", "b c"],
        "page": ["2"],
        "per_page": ["20"],
    }
    assert "labels%5B%5D=a" in parsed.query


def test_over_ten_thousand_records_are_not_counted() -> None:
    headers = headers_for(URL, {}, Page(1, 100), 10_001)
    assert "X-Total" not in headers
    assert "X-Total-Pages" not in headers
    assert "last" not in links(headers["Link"])
    assert headers["X-Next-Page"] == "2"


@given(total=st.integers(0, 700), per_page=st.integers(1, 100))
def test_following_next_visits_every_item_once(total: int, per_page: int) -> None:
    items = list(range(total))
    seen: list[int] = []
    query: dict[str, list[str]] = {"per_page": [str(per_page)], "state": ["all"]}
    while True:
        page, headers = paginate(items, URL, query)
        seen += page
        rels = links(headers["Link"])
        if "next" not in rels:
            break
        assert rels["next"].startswith(URL + "?")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(rels["next"]).query)
        assert query["state"] == ["all"]
    assert seen == items
