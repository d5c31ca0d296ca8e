"""Where the sandbox once differed from GitHub (found with octokit, gitbeaker and the gh CLI):
close reasons after a reopen, Last-Modified, raw contents, unknown assignees, ETags on 201s."""

from __future__ import annotations

import base64
import email.utils
from typing import Any

import github
import pytest
import requests

from plansync.sandbox import FakeTime, Sandbox
from tests.sandbox.test_github_support import Recorder, recorder, validate

__all__ = ["recorder"]  # the fixture, imported for this module's tests


def _call(sandbox: Sandbox, method: str, path: str, body: Any = None, **headers: str) -> Any:
    headers.setdefault("Authorization", f"token {sandbox.token}")
    url = sandbox.url + path
    return requests.request(method, url, json=body, headers=headers, timeout=10)


def test_a_close_without_reason_after_a_reopen_is_completed(plansync_github: github.Github) -> None:
    issue = plansync_github.get_repo("octo/fid").create_issue("t")
    issue.edit(state="closed", state_reason="not_planned")
    issue.edit(state="open")
    assert issue.state_reason == "reopened"
    issue.edit(state="closed")
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    issue.edit(state="closed", state_reason="not_planned")  # a closed issue's reason can change
    assert issue.state_reason == "not_planned"
    issue.edit(state="closed")  # ... and stays when none is given
    assert issue.state_reason == "not_planned"


def test_last_modified_and_if_modified_since(timed_sandbox: Sandbox, fake_time: FakeTime) -> None:
    _call(timed_sandbox, "POST", "/repos/o/r/issues", {"title": "t"})
    first = _call(timed_sandbox, "GET", "/repos/o/r/issues/1")
    stamp = first.headers["Last-Modified"]
    assert email.utils.parsedate_to_datetime(stamp).timestamp() == fake_time.time()
    timed_sandbox.reset_stats()
    again = _call(timed_sandbox, "GET", "/repos/o/r/issues/1", **{"If-Modified-Since": stamp})
    assert again.status_code == 304 and again.content == b""
    assert timed_sandbox.stats()["rate_limit_points"] == 0  # free, like an ETag hit
    fake_time.sleep(5)
    _call(timed_sandbox, "PATCH", "/repos/o/r/issues/1", {"title": "changed"})
    changed = _call(timed_sandbox, "GET", "/repos/o/r/issues/1", **{"If-Modified-Since": stamp})
    assert changed.status_code == 200 and changed.json()["title"] == "changed"
    lists = _call(timed_sandbox, "GET", "/repos/o/r/issues")
    assert "Last-Modified" not in lists.headers  # a list's newest stamp misses removals


def test_if_none_match_wins_over_if_modified_since(plansync_sandbox: Sandbox) -> None:
    """PyGithub sends both; an edit within the same second must not look unchanged."""
    _call(plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "t"})
    first = _call(plansync_sandbox, "GET", "/repos/o/r/issues/1")
    _call(plansync_sandbox, "PATCH", "/repos/o/r/issues/1", {"body": "new"})
    both = {
        "If-None-Match": first.headers["ETag"],
        "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT",
    }
    assert _call(plansync_sandbox, "GET", "/repos/o/r/issues/1", **both).status_code == 200


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.github.raw",
        "application/vnd.github.raw+json",
        "application/vnd.github.v3.raw",
    ],
)
def test_raw_media_type_gets_the_file_bytes(plansync_sandbox: Sandbox, accept: str) -> None:
    raw = "# Plan\n- [ ] café\n".encode()
    body = {"message": "add", "content": base64.b64encode(raw).decode()}
    _call(plansync_sandbox, "PUT", "/repos/o/r/contents/docs/plan.md", body)
    answer = _call(plansync_sandbox, "GET", "/repos/o/r/contents/docs/plan.md", Accept=accept)
    assert answer.status_code == 200 and answer.content == raw
    assert answer.headers["Content-Type"] == f"{accept}; charset=utf-8"
    as_json = _call(plansync_sandbox, "GET", "/repos/o/r/contents/docs/plan.md")
    assert as_json.json()["encoding"] == "base64"
    listing = _call(plansync_sandbox, "GET", "/repos/o/r/contents/docs", Accept=accept)
    assert listing.json()[0]["name"] == "plan.md"  # a directory stays a JSON listing


def test_pygithub_reads_raw_contents(plansync_github: github.Github) -> None:
    repo = plansync_github.get_repo("octo/fid")
    repo.create_file("a.md", "add", "hello\n")
    _, data = repo._requester.requestJsonAndCheck(
        "GET", f"{repo.url}/contents/a.md", headers={"Accept": "application/vnd.github.raw"}
    )
    assert data["data"] == "hello\n"


def test_an_unknown_assignee_is_a_422(plansync_sandbox: Sandbox, recorder: Recorder) -> None:
    plansync_sandbox.add_account("ann")
    answer = _call(
        plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "t", "assignees": ["ghost"]}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"value": "ghost", "resource": "Issue", "field": "assignees", "code": "invalid"}
    ]
    made = _call(
        plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "t", "assignees": ["ann"]}
    )
    assert made.status_code == 201 and made.json()["number"] == 1  # the refusal made nothing
    edit = _call(plansync_sandbox, "PATCH", "/repos/o/r/issues/1", {"assignees": ["ghost"]})
    assert edit.status_code == 422
    owner = _call(plansync_sandbox, "PATCH", "/repos/o/r/issues/1", {"assignees": ["o"]})
    assert [a["login"] for a in owner.json()["assignees"]] == ["o"]  # the owner may be assigned
    added = _call(
        plansync_sandbox, "POST", "/repos/o/r/issues/1/assignees", {"assignees": ["ghost"]}
    )
    assert added.status_code == 201 and [a["login"] for a in added.json()["assignees"]] == ["o"]
    for exchange in recorder.exchanges:
        validate(exchange)


def test_created_answers_carry_an_etag(plansync_sandbox: Sandbox) -> None:
    made = _call(plansync_sandbox, "POST", "/repos/o/r/issues", {"title": "t"})
    assert made.status_code == 201 and made.headers["ETag"].startswith('W/"')
    plansync_sandbox.reset_stats()
    # The 201's ETag is the issue's: a conditional GET with it costs nothing.
    again = _call(
        plansync_sandbox, "GET", "/repos/o/r/issues/1", **{"If-None-Match": made.headers["ETag"]}
    )
    assert again.status_code == 304
    label = _call(plansync_sandbox, "POST", "/repos/o/r/labels", {"name": "bug", "color": "ff0000"})
    assert label.status_code == 201 and "ETag" in label.headers
