"""GitLab's rate limits as python-gitlab meets them: headers on every answer, 429s with
`Retry-After`, and the client's own retry recovering once the (time-scaled) window ends."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import gitlab
import pytest

from plansync.sandbox import FakeTime, Sandbox
from plansync.sandbox.clock import FAKE_EPOCH
from tests.sandbox.test_gitlab_support import Seen, configure, gl, project, sandbox, watch

__all__ = ["gl", "project", "sandbox"]  # fixtures


def until_429(call: Callable[[], Any], seen: Seen, attempts: int = 20) -> None:
    """Call until a 429 was seen (on a fake clock no window rolls over meanwhile)."""
    for _ in range(attempts):
        with contextlib.suppress(gitlab.GitlabError):
            call()
        if any(r.status_code == 429 for r in seen):
            return
    pytest.fail("no 429 seen")


def test_every_answer_carries_ratelimit_headers(gl: gitlab.Gitlab) -> None:
    seen = watch(gl)
    gl.auth()
    with pytest.raises(gitlab.GitlabGetError):
        gl.projects.get("acme/widgets").issues.get(5)
    assert [r.status_code for r in seen] == [200, 200, 404]
    for response in seen:
        assert response.headers["RateLimit-Limit"] == "2000"
        assert response.headers["RateLimit-Name"] == "throttle_authenticated_api"
        assert int(response.headers["RateLimit-Reset"]) > 0
        assert "Retry-After" not in response.headers
    observed = [int(r.headers["RateLimit-Observed"]) for r in seen]
    remaining = [int(r.headers["RateLimit-Remaining"]) for r in seen]
    assert all(o + r == 2000 for o, r in zip(observed, remaining, strict=True))


def test_spent_api_limit_gets_429_retry_later(
    timed_sandbox: Sandbox, timed_gl: gitlab.Gitlab
) -> None:
    # On a fake clock the window cannot roll over mid-test: the fourth request is refused.
    gl = timed_gl
    configure(timed_sandbox, requests_per_minute=3)
    seen = watch(gl)
    until_429(lambda: gl.http_get("/user", obey_rate_limit=False), seen)
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    refused = seen[-1]
    assert refused.text == "Retry later\n"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["Retry-After"] == "60"
    assert refused.headers["RateLimit-ResetTime"] == "Thu, 01 Jan 2026 00:01:00 GMT"
    with pytest.raises(gitlab.GitlabHttpError) as caught:
        gl.http_get("/user", max_retries=0)
    assert caught.value.response_code == 429


@pytest.fixture
def timed_gl(
    timed_sandbox: Sandbox, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> gitlab.Gitlab:
    """python-gitlab on a fake-clock sandbox, its retry sleeping on the same fake clock."""
    monkeypatch.setattr(
        gitlab.utils, "time", SimpleNamespace(time=fake_time.time, sleep=fake_time.sleep)
    )
    return timed_sandbox.gitlab_client()


def test_client_waits_and_recovers_under_a_time_scale(
    timed_sandbox: Sandbox, timed_gl: gitlab.Gitlab, fake_time: FakeTime
) -> None:
    # 60x: GitLab's one-minute window lasts one real second, so Retry-After is 1.
    timed_sandbox.set_limits({"time_scale": 60, "gitlab": {"requests_per_minute": 2}})
    seen = watch(timed_gl)
    for _ in range(6):
        timed_gl.auth()
        assert timed_gl.user is not None and timed_gl.user.username == "sandbox-user"
    refused = [r for r in seen if r.status_code == 429]
    assert len(refused) == 2 and all(r.headers["Retry-After"] == "1" for r in refused)
    assert fake_time.sleeps == [1, 1]  # the client waited what it was told, in its own time
    # The window's end, said in the client's time: one second after the start at 60x.
    assert refused[0].headers["RateLimit-Reset"] == str(int(FAKE_EPOCH) + 1)


def test_note_creation_limit_is_an_application_limit(
    timed_sandbox: Sandbox, timed_gl: gitlab.Gitlab
) -> None:
    gl = timed_gl
    configure(timed_sandbox, notes_per_minute=1)
    issue = gl.projects.get("acme/widgets").issues.create({"title": "Chatty"})
    seen = watch(gl)
    until_429(lambda: issue.notes.create({"body": "hi"}, obey_rate_limit=False), seen)
    assert [r.status_code for r in seen] == [201, 429]
    refused = seen[-1]
    assert refused.json()["message"]["error"].startswith("This endpoint has been requested")
    assert int(refused.headers["RateLimit-Remaining"]) > 0  # the API throttle is not spent
    gl.auth()  # other requests still pass


def test_issue_creation_limit_recovers_with_client_retry(
    timed_sandbox: Sandbox, timed_gl: gitlab.Gitlab, fake_time: FakeTime
) -> None:
    timed_sandbox.set_limits({"time_scale": 60, "gitlab": {"issues_per_minute": 2}})
    seen = watch(timed_gl)
    project = timed_gl.projects.get("acme/widgets")
    iids = [project.issues.create({"title": f"n{n}"}).iid for n in range(5)]
    assert iids == [1, 2, 3, 4, 5]  # refused creations made nothing
    assert any(r.status_code == 429 for r in seen)


def test_limits_can_be_switched_off(sandbox: Sandbox, gl: gitlab.Gitlab) -> None:
    configure(sandbox, rate_limits_enabled=False, requests_per_minute=1)
    seen = watch(gl)
    for _ in range(3):
        gl.auth()
    assert all(r.status_code == 200 and "RateLimit-Limit" not in r.headers for r in seen)
