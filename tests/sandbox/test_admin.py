"""The admin API under /_sandbox/, driven over HTTP as tests and benchmarks drive it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from plansync.sandbox import Sandbox


def _admin(sandbox: Sandbox, method: str, path: str, body: Any = None) -> requests.Response:
    url = f"{sandbox.url}/_sandbox{path}"
    return requests.request(method, url, json=body, headers=sandbox.admin_headers(), timeout=10)


def _api(sandbox: Sandbox, method: str, path: str, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"token {sandbox.token}"}
    return requests.request(method, sandbox.url + path, json=body, headers=headers, timeout=10)


def test_stats_count_requests_writes_and_routes(plansync_sandbox: Sandbox) -> None:
    _api(plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "a"})
    etag = _api(plansync_sandbox, "GET", "/repos/o/r/issues/1").headers["ETag"]
    requests.get(
        f"{plansync_sandbox.url}/repos/o/r/issues/1",
        headers={"Authorization": f"token {plansync_sandbox.token}", "If-None-Match": etag},
        timeout=10,
    )
    stats = _admin(plansync_sandbox, "GET", "/stats").json()
    assert stats["requests"] == 3 and stats["writes"] == 1 and stats["not_modified"] == 1
    assert stats["rate_limit_points"] == 2
    assert stats["by_route"] == {
        "POST /repos/{owner}/{repo}/issues": 1,
        "GET /repos/{owner}/{repo}/issues/{number}": 2,
    }
    zeroed = _admin(plansync_sandbox, "POST", "/stats/reset").json()
    assert zeroed["requests"] == 0 and zeroed["by_route"] == {}
    assert _api(plansync_sandbox, "GET", "/repos/o/r/issues/1").status_code == 200  # data kept


def test_reset_empties_everything(plansync_sandbox: Sandbox) -> None:
    _api(plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "a"})
    _admin(plansync_sandbox, "POST", "/faults", {"spec": "*: 503"})
    assert _admin(plansync_sandbox, "POST", "/reset").status_code == 200
    assert _api(plansync_sandbox, "GET", "/repos/o/r/issues").json() == []
    assert _admin(plansync_sandbox, "GET", "/faults").json()["rules"] == []
    assert _admin(plansync_sandbox, "GET", "/stats").json()["requests"] == 1


def test_faults_set_read_and_clear(plansync_sandbox: Sandbox) -> None:
    bad = _admin(plansync_sandbox, "POST", "/faults", {"spec": "*: explode"})
    assert bad.status_code == 400 and "explode" in bad.json()["message"]
    spec = {"spec": "POST /repos/*/issues: 503 @1", "seed": 3}
    assert _admin(plansync_sandbox, "POST", "/faults", spec).json()["seed"] == 3
    assert _api(plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "a"}).status_code == 503
    rules = _admin(plansync_sandbox, "GET", "/faults").json()["rules"]
    assert rules == [{"rule": "POST /repos/*/issues: 503 @1", "matched": 1, "fired": 1}]
    _admin(plansync_sandbox, "DELETE", "/faults")
    assert _admin(plansync_sandbox, "GET", "/faults").json()["rules"] == []


def test_limits_merge_and_pass_through_gitlab_settings(plansync_sandbox: Sandbox) -> None:
    body = {"github": {"rate_limit": 2}, "gitlab": {"requests_per_minute": 10}}
    config = _admin(plansync_sandbox, "POST", "/limits", body).json()
    assert config["github"]["rate_limit"] == 2
    assert config["gitlab"]["requests_per_minute"] == 10
    answer = _api(plansync_sandbox, "GET", "/user")
    assert answer.headers["x-ratelimit-limit"] == "2"
    plansync_sandbox.reset(limits=True)
    assert _admin(plansync_sandbox, "GET", "/limits").json().get("github") is None


def test_seed_tokens_state_and_request_log(plansync_sandbox: Sandbox) -> None:
    seed = {"github": {"repos": {"o/r": {"labels": [{"name": "bug"}], "issue_count": 3}}}}
    created = _admin(plansync_sandbox, "POST", "/seed", seed)
    assert created.status_code == 201
    assert created.json() == {"github": {"o/r": {"issues": 3, "labels": 1}}}
    assert len(_api(plansync_sandbox, "GET", "/repos/o/r/issues").json()) == 3
    _admin(plansync_sandbox, "POST", "/tokens", {"token": "second"})
    second = requests.get(
        f"{plansync_sandbox.url}/user", headers={"Authorization": "Bearer second"}, timeout=10
    )
    assert second.status_code == 200
    state = _admin(plansync_sandbox, "GET", "/state").json()
    assert "o/r" in state["data"]["github"]["repos"]
    log = _admin(plansync_sandbox, "GET", "/requests?limit=1").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [("GET", "/user", 200)]
    index = _admin(plansync_sandbox, "GET", "").json()
    assert index["urls"]["github_api_v3"] == f"{plansync_sandbox.url}/api/v3"


def test_admin_calls_are_not_counted_or_faulted(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_faults("*: 503")
    assert _admin(plansync_sandbox, "GET", "/stats").json()["requests"] == 0


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    with Sandbox(state=path) as first:
        _api(first, "POST", "/repos/o/r/issues", {"title": "kept"})
        token = first.token
    with Sandbox(state=path) as second:
        assert second.token == token  # the saved token still works
        titles = [i["title"] for i in _api(second, "GET", "/repos/o/r/issues").json()]
        assert titles == ["kept"]
        assert _api(second, "POST", "/repos/o/r/issues", {"title": "b"}).json()["number"] == 2


def test_unknown_gitlab_paths_are_404(plansync_sandbox: Sandbox) -> None:
    answer = _api(plansync_sandbox, "GET", "/api/v4/no/such/thing")
    assert answer.status_code in (401, 404)
