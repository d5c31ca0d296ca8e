"""Every fault kind, seen through PyGithub (retries off unless a test turns them on)."""

from __future__ import annotations

import json
import threading

import github
import pytest
import requests

from plansync.sandbox import FakeTime, Sandbox


def _titles(sandbox: Sandbox, repo: str = "octo/faults") -> list[str]:
    url = f"{sandbox.url}/repos/{repo}/issues?state=all&direction=asc"
    answer = requests.get(url, headers={"Authorization": f"token {sandbox.token}"}, timeout=10)
    return [issue["title"] for issue in answer.json()]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_run_nothing(plansync_sandbox: Sandbox, status: int) -> None:
    plansync_sandbox.set_faults(f"POST /repos/*/issues: {status} @1")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        with pytest.raises(github.GithubException) as caught:
            repo.create_issue("first")
        assert caught.value.status == status
        assert repo.create_issue("second").number == 1  # the failed create made nothing
    assert plansync_sandbox.stats()["faults"] == 1


def test_pygithubs_own_retry_rides_over_a_503(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_faults("POST /repos/*/issues: 503 @1")
    with plansync_sandbox.github_client(retry=github.GithubRetry(total=2)) as gh:
        issue = gh.get_repo("octo/faults").create_issue("retried")
    assert issue.number == 1
    assert plansync_sandbox.stats()["by_route"]["POST /repos/{owner}/{repo}/issues"] == 1
    assert [r["status"] for r in plansync_sandbox.requests() if r["method"] == "POST"] == [503, 201]


def test_a_reset_before_the_response_changes_nothing(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_faults("POST /repos/*/issues: reset @1")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        with pytest.raises(requests.exceptions.ConnectionError):
            repo.create_issue("lost")
    assert _titles(plansync_sandbox) == []
    assert plansync_sandbox.stats()["writes"] == 0


def test_a_lost_response_still_creates_the_issue(plansync_sandbox: Sandbox) -> None:
    """The hard case for duplicate prevention: the client sees a failure, the write happened."""
    plansync_sandbox.set_faults("POST /repos/*/issues: lost-response @1")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        with pytest.raises(requests.exceptions.ConnectionError):
            repo.create_issue("created anyway")
        assert repo.create_issue("next").number == 2
    assert _titles(plansync_sandbox) == ["created anyway", "next"]
    assert plansync_sandbox.stats()["writes"] == 2


def test_a_malformed_body(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_faults("GET /repos/*/issues/*: malformed @1")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        repo.create_issue("t")
        with pytest.raises(json.JSONDecodeError):
            repo.get_issue(1)
        assert repo.get_issue(1).title == "t"


def test_latency_per_route_and_for_everything(timed_sandbox: Sandbox, fake_time: FakeTime) -> None:
    # Latency passes on the sandbox's time source: on a fake one it is counted, not waited.
    timed_sandbox.set_faults("GET /user: latency 150ms")
    with timed_sandbox.github_client() as gh:
        gh.get_user().login  # noqa: B018 - sends GET /user
        gh.get_repo("octo/faults")  # another route: no latency
        assert fake_time.sleeps == [0.15]
        timed_sandbox.set_faults("GET /user: latency 150ms; *: latency 1s")
        timed_sandbox.set_limits({"latency_ms": 100})
        gh.get_rate_limit()
        gh.get_user().login  # noqa: B018 - latency rules and the setting add up
    assert fake_time.sleeps == [0.15, 1.1, 1.25]


def test_a_held_request_waits_for_the_test(plansync_sandbox: Sandbox) -> None:
    """`hold` is a readiness signal: the test knows a request is in flight, then lets it go."""
    plansync_sandbox.set_faults("POST /repos/*/issues: hold @2")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        repo.create_issue("first")
        worker = threading.Thread(target=repo.create_issue, args=("second",))
        worker.start()
        try:
            assert plansync_sandbox.wait_held()
            assert _titles(plansync_sandbox) == ["first"]  # admitted, not yet run
        finally:
            plansync_sandbox.release_held()
            worker.join()
    assert _titles(plansync_sandbox) == ["first", "second"]
    assert not plansync_sandbox.wait_held(timeout=0)


def _pattern(sandbox: Sandbox, spec: str, seed: int, count: int = 20) -> list[int]:
    sandbox.reset()
    sandbox.set_faults(spec, seed=seed)
    headers = {"Authorization": f"token {sandbox.token}"}
    with requests.Session() as session:
        return [
            session.get(f"{sandbox.url}/rate_limit", headers=headers, timeout=10).status_code
            for _ in range(count)
        ]


def test_random_faults_are_deterministic_under_a_seed(plansync_sandbox: Sandbox) -> None:
    first = _pattern(plansync_sandbox, "GET /rate_limit: 503 ~0.5", seed=7)
    again = _pattern(plansync_sandbox, "GET /rate_limit: 503 ~0.5", seed=7)
    other = _pattern(plansync_sandbox, "GET /rate_limit: 503 ~0.5", seed=8)
    assert first == again and first != other
    assert 0 < first.count(503) < 20


def test_nth_onward_and_every_nth(plansync_sandbox: Sandbox) -> None:
    onward = _pattern(plansync_sandbox, "GET *: 502 @3+", seed=0, count=5)
    assert onward == [200, 200, 502, 502, 502]
    every = _pattern(plansync_sandbox, "*: 500 %2", seed=0, count=4)
    assert every == [200, 500, 200, 500]


def test_faults_match_method_and_path(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_faults("POST /repos/*/issues: 503")
    with plansync_sandbox.github_client() as gh:
        repo = gh.get_repo("octo/faults")
        assert list(repo.get_issues()) == []  # a GET on the same path is untouched
        repo.create_label("bug", "ffffff")  # another POST path is untouched
        with pytest.raises(github.GithubException):
            repo.create_issue("x")
