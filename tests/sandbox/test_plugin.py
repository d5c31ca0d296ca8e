"""The pytest plugin's clean-up between tests: nothing one test started lands in the next, and a
clean-up that fails restarts the server instead of failing the following test."""

from __future__ import annotations

import threading

import pytest
import requests

from plansync.sandbox import Sandbox, pytest_plugin


def _create(sandbox: Sandbox, title: str) -> None:
    headers = {"Authorization": f"token {sandbox.token}"}
    requests.post(
        f"{sandbox.url}/repos/o/r/issues", json={"title": title}, headers=headers, timeout=30
    )


def test_a_request_left_in_flight_finishes_before_the_reset() -> None:
    with Sandbox() as sandbox:
        sandbox.set_faults("POST /repos/*/issues: hold")
        late = threading.Thread(target=_create, args=(sandbox, "late"))
        late.start()
        assert sandbox.wait_held()
        pytest_plugin.fresh(sandbox)  # releases it, waits for it, then empties everything
        late.join()
        assert sandbox.stats()["requests"] == 0  # its request was counted before the reset
        assert sandbox.github_client().get_repo("o/r").get_issues(state="all").totalCount == 0


def test_a_stopped_server_is_started_again() -> None:
    with Sandbox() as sandbox:
        sandbox.stop()
        pytest_plugin.fresh(sandbox)
        assert sandbox.running and sandbox.github_client().get_user().login == "sandbox-user"


def test_a_failed_clean_up_restarts_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox() as sandbox:
        token, old_app = sandbox.token, sandbox.app
        sandbox.seed({"repos": {"o/r": {"issue_count": 2}}})
        monkeypatch.setattr(Sandbox, "wait_idle", lambda self, timeout=0: False)
        with pytest.raises(RuntimeError, match="still running"):
            pytest_plugin._fresh_or_restart(sandbox)
        monkeypatch.undo()
        assert sandbox.app is not old_app and sandbox.running and sandbox.token == token
        assert sandbox.github_client().get_repo("o/r").get_issues().totalCount == 0
