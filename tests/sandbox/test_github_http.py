"""HTTP behaviour GitHub clients rely on: tokens, ETags, rate limits, URLs from the Host header."""

from __future__ import annotations

import threading

import github
import pytest
import requests

from plansync.sandbox import FakeTime, Sandbox


def _get(sandbox: Sandbox, path: str, **headers: str) -> requests.Response:
    headers.setdefault("Authorization", f"token {sandbox.token}")
    return requests.get(f"{sandbox.url}{path}", headers=headers, timeout=10)


def test_a_wrong_token_gets_401_bad_credentials(plansync_sandbox: Sandbox) -> None:
    wrong = github.Auth.Token("wrong")
    with (
        plansync_sandbox.github_client(auth=wrong) as gh,
        pytest.raises(github.BadCredentialsException) as caught,
    ):
        gh.get_repo("octo/demo")
    assert caught.value.status == 401
    assert caught.value.data["message"] == "Bad credentials"


def test_without_a_token_reads_work_and_writes_need_auth(plansync_sandbox: Sandbox) -> None:
    anonymous = requests.get(f"{plansync_sandbox.url}/repos/octo/demo/issues", timeout=10)
    assert anonymous.status_code == 200
    assert anonymous.headers["x-ratelimit-limit"] == "60"
    write = requests.post(
        f"{plansync_sandbox.url}/repos/octo/demo/issues", json={"title": "t"}, timeout=10
    )
    assert write.status_code == 401


def test_served_at_the_root_and_under_api_v3(plansync_sandbox: Sandbox) -> None:
    root = _get(plansync_sandbox, "/repos/octo/demo").json()
    prefixed = _get(plansync_sandbox, "/api/v3/repos/octo/demo").json()
    assert root["url"] == f"{plansync_sandbox.url}/repos/octo/demo"
    assert prefixed["url"] == f"{plansync_sandbox.url}/api/v3/repos/octo/demo"
    assert root["id"] == prefixed["id"]


def test_urls_follow_the_host_header(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.seed({"repos": {"octo/big": {"issue_count": 40}}})
    response = _get(plansync_sandbox, "/api/v3/repos/octo/big/issues", Host="proxy.example:9000")
    assert response.json()[0]["url"].startswith("http://proxy.example:9000/api/v3/repos/octo/big/")
    assert response.links["next"]["url"].startswith("http://proxy.example:9000/api/v3/")


def test_etag_round_trip_costs_no_rate_limit(plansync_sandbox: Sandbox) -> None:
    with plansync_sandbox.github_client() as gh:
        issue = gh.get_repo("octo/demo").create_issue("cached")
        plansync_sandbox.reset_stats()
        remaining = gh.rate_limiting[0]
        assert issue.update() is False  # 304: nothing changed
        stats = plansync_sandbox.stats()
        assert stats["not_modified"] == 1 and stats["requests"] == 1
        assert stats["rate_limit_points"] == 0
        assert gh.rate_limiting[0] == remaining
        issue.edit(title="changed")
        assert issue.update() is True


def test_304_has_no_body_and_keeps_the_etag(plansync_sandbox: Sandbox) -> None:
    first = _get(plansync_sandbox, "/repos/octo/demo")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    second = _get(plansync_sandbox, "/repos/octo/demo", **{"If-None-Match": etag})
    assert second.status_code == 304 and second.content == b""
    assert second.headers["ETag"] == etag
    assert second.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]


def test_rate_limit_headers_and_the_rate_limit_endpoint(plansync_sandbox: Sandbox) -> None:
    response = _get(plansync_sandbox, "/repos/octo/demo")
    for name in ("limit", "remaining", "used", "reset", "resource"):
        assert f"x-ratelimit-{name}" in response.headers
    with plansync_sandbox.github_client() as gh:
        before = gh.get_rate_limit().resources.core
        after = gh.get_rate_limit().resources.core
        assert before.remaining == after.remaining  # /rate_limit is free
        assert before.limit == 5000


@pytest.mark.parametrize("status", [403, 429])
def test_primary_limit_exhausted(timed_sandbox: Sandbox, fake_time: FakeTime, status: int) -> None:
    timed_sandbox.set_limits(rate_limit=3, rate_limit_status=status)
    with timed_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/demo")
        repo.create_issue("a")
        repo.get_issue(1)
        with pytest.raises(github.GithubException) as caught:
            repo.get_issue(1)
    error = caught.value
    assert error.status == status
    assert error.data["message"].startswith("API rate limit exceeded")
    assert error.headers is not None and error.headers["x-ratelimit-remaining"] == "0"
    assert int(error.headers["x-ratelimit-reset"]) == fake_time.time() + 3600
    if status == 403:
        assert isinstance(error, github.RateLimitExceededException)


def test_primary_limit_resets_after_the_window(timed_sandbox: Sandbox, fake_time: FakeTime) -> None:
    # At 3600x the one-hour window lasts one second of the clients' time; the header says so.
    timed_sandbox.set_limits({"time_scale": 3600, "github": {"rate_limit": 1}})
    assert _get(timed_sandbox, "/user").status_code == 200
    refused = _get(timed_sandbox, "/user")
    assert refused.status_code == 403
    reset = int(refused.headers["x-ratelimit-reset"])
    assert reset == fake_time.time() + 1
    fake_time.sleep(0.5)  # not yet
    assert _get(timed_sandbox, "/user").status_code == 403
    fake_time.sleep(0.5)  # an unmodified client sleeping until the reset gets through
    assert _get(timed_sandbox, "/user").status_code == 200


def test_limits_count_in_scaled_time_but_speak_real_time(
    timed_sandbox: Sandbox, fake_time: FakeTime
) -> None:
    timed_sandbox.set_limits({"time_scale": 60, "github": {"content_per_minute": 1}})
    with timed_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/demo")
        repo.create_issue("a")
        with pytest.raises(github.RateLimitExceededException) as caught:
            repo.create_issue("b")
    headers = caught.value.headers or {}
    assert headers["retry-after"] == "1"  # GitHub's 60 s are one real second at 60x
    assert int(headers["x-ratelimit-reset"]) == fake_time.time() + 60  # the hour is a minute
    rate = gh.get_rate_limit().resources.core
    assert rate.reset.timestamp() == fake_time.time() + 60
    fake_time.sleep(1)
    with timed_sandbox.github_client() as gh:
        assert gh.get_repo("octo/demo").create_issue("b").number == 2


def test_secondary_limit_on_content_per_minute(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_limits(content_per_minute=2)
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/demo")
        repo.create_issue("a")
        repo.create_issue("b")
        with pytest.raises(github.RateLimitExceededException) as caught:
            repo.create_issue("c")
    assert caught.value.status == 403
    assert caught.value.headers is not None and caught.value.headers["retry-after"] == "60"
    assert "secondary rate limit" in caught.value.data["message"]
    assert [i["title"] for i in _get(plansync_sandbox, "/repos/octo/demo/issues").json()] == [
        "b",
        "a",
    ]


def test_secondary_limit_per_hour_outlasts_the_minute(
    timed_sandbox: Sandbox, fake_time: FakeTime
) -> None:
    timed_sandbox.set_limits(content_per_minute=1, content_per_hour=2)
    with timed_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/demo")
        repo.create_issue("a")
        fake_time.sleep(61)  # a fresh minute
        repo.create_issue("b")
        fake_time.sleep(61)
        with pytest.raises(github.RateLimitExceededException):
            repo.create_issue("c")  # the minute is fresh, the hour is spent
        fake_time.sleep(3600)
        assert repo.create_issue("c").number == 3


def test_secondary_limit_on_concurrent_requests(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_limits(max_concurrent=1)
    plansync_sandbox.set_faults("GET /user: hold")
    slow = threading.Thread(target=_get, args=(plansync_sandbox, "/user"))
    slow.start()
    try:
        assert plansync_sandbox.wait_held()  # the first request is in flight, for sure
        blocked = _get(plansync_sandbox, "/rate_limit")
    finally:
        plansync_sandbox.release_held()
        slow.join()
    assert blocked.status_code == 403
    assert blocked.headers["retry-after"] == "60"
    assert "secondary rate limit" in blocked.json()["message"]
