"""The ETag cache file: a bad or missing file only costs full reads; its size is capped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from plansync.transport.etags import MAX_AGE, RESTAMP_AFTER, EtagCache


def answer(url: str, body: str, etag: str = '"v1"') -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.url = url
    response.headers.update(
        {"ETag": etag, "Content-Type": "application/json", "Content-Length": "9"}
    )
    response._content = body.encode()
    return response


def prepared(url: str, token: str = "t1") -> requests.PreparedRequest:
    return requests.Request("GET", url, headers={"Authorization": f"token {token}"}).prepare()


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"version": 99, "entries": {}}', '{"version": 1, "entries": {"k": 3}}'],
)
def test_a_corrupt_or_foreign_file_starts_empty(tmp_path: Path, text: str) -> None:
    path = tmp_path / "etags.json"
    path.write_text(text)
    assert EtagCache(path).entries == {}


def test_a_missing_file_and_an_unwritable_place_cost_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = EtagCache(blocker / "etags.json")  # its directory cannot exist
    key = cache.key(prepared("https://x/a"))
    cache.remember(key, answer("https://x/a", "[1]"), 1.0)
    cache.save(1.0)  # no exception: the cache is an optimisation
    assert cache.lookup(key) is not None


def test_round_trip_keeps_body_and_drops_wire_headers(tmp_path: Path) -> None:
    path = tmp_path / "etags.json"
    cache = EtagCache(path)
    key = cache.key(prepared("https://x/a?page=2"))
    cache.remember(key, answer("https://x/a?page=2", '[{"n": 1}]'), 10.0)
    cache.save(10.0)
    entry = EtagCache(path).lookup(key)
    assert entry is not None and entry.body == '[{"n": 1}]' and entry.etag == '"v1"'
    assert "content-length" not in entry.headers and entry.headers["content-type"]
    assert "token t1" not in path.read_text()


def test_keys_differ_by_token_query_and_accept() -> None:
    keys = {
        EtagCache.key(prepared("https://x/a")),
        EtagCache.key(prepared("https://x/a", token="t2")),
        EtagCache.key(prepared("https://x/a?page=2")),
        EtagCache.key(
            requests.Request(
                "GET", "https://x/a", headers={"Authorization": "token t1", "Accept": "raw"}
            ).prepare()
        ),
    }
    assert len(keys) == 4


def test_the_newest_entries_that_fit_are_kept_and_old_ones_dropped(tmp_path: Path) -> None:
    path = tmp_path / "etags.json"
    cache = EtagCache(path, max_bytes=3000)
    for n in range(10):
        key = cache.key(prepared(f"https://x/{n}"))
        cache.remember(key, answer(f"https://x/{n}", "x" * 500), float(n))
    stale = cache.key(prepared("https://x/stale"))
    cache.remember(stale, answer("https://x/stale", "[]"), 0.0)
    cache.save(MAX_AGE + 5)
    kept = EtagCache(path, max_bytes=3000).entries
    assert 0 < len(kept) < 10 and stale not in kept
    assert cache.key(prepared("https://x/9")) in kept and path.stat().st_size < 4000
    assert json.loads(path.read_text())["version"] == 1


def test_a_run_that_only_uses_entries_rewrites_the_file_at_most_daily(tmp_path: Path) -> None:
    path = tmp_path / "etags.json"
    cache = EtagCache(path)
    key = cache.key(prepared("https://x/a"))
    cache.remember(key, answer("https://x/a", "[1]"), 1000.0)
    cache.save(1000.0)
    later = EtagCache(path)
    later.touch(key, 1000.0 + RESTAMP_AFTER - 1)  # a 304 within the day
    later.save(1000.0 + RESTAMP_AFTER - 1)
    assert EtagCache(path).entries[key].used == 1000.0
    later.touch(key, 1000.0 + RESTAMP_AFTER)  # a day on: the age is kept to the day
    later.save(1000.0 + RESTAMP_AFTER)
    assert EtagCache(path).entries[key].used == 1000.0 + RESTAMP_AFTER
