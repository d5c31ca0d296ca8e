"""The sandbox as a local server a web page can reach: the admin API needs the sandbox token,
foreign origins are refused, bodies are capped and a stalled connection is dropped."""

from __future__ import annotations

import socket

import pytest
import requests

from plansync.sandbox import Sandbox


def _raw(sandbox: Sandbox, data: bytes) -> bytes:
    """Send `data` on a fresh connection and read until the server closes it."""
    with socket.create_connection((sandbox.host, sandbox.port), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "token wrong"}, {"PRIVATE-TOKEN": ""}, {"Authorization": "Basic x"}],
)
def test_admin_calls_need_the_sandbox_token(
    plansync_sandbox: Sandbox, headers: dict[str, str]
) -> None:
    url = f"{plansync_sandbox.url}/_sandbox/reset"
    plansync_sandbox.seed({"repos": {"o/r": {"issue_count": 1}}})
    answer = requests.post(url, headers=headers, timeout=10)
    assert answer.status_code == 401 and "sandbox token" in answer.json()["message"]
    assert plansync_sandbox.stats()["requests"] == 0  # not counted, and nothing was wiped
    assert plansync_sandbox.github_client().get_repo("o/r").get_issue(1).title == "Issue 1"


@pytest.mark.parametrize("scheme", ["token", "Bearer", "PRIVATE-TOKEN"])
def test_the_token_goes_as_for_the_api(plansync_sandbox: Sandbox, scheme: str) -> None:
    token = plansync_sandbox.token
    headers = (
        {"PRIVATE-TOKEN": token}
        if scheme == "PRIVATE-TOKEN"
        else {"Authorization": f"{scheme} {token}"}
    )
    answer = requests.get(f"{plansync_sandbox.url}/_sandbox/stats", headers=headers, timeout=10)
    assert answer.status_code == 200 and answer.json()["requests"] == 0


def test_a_separate_admin_token() -> None:
    with Sandbox(admin_token="admin-secret") as sandbox:
        url = f"{sandbox.url}/_sandbox/stats"
        assert requests.get(url, headers={"Authorization": "token admin-secret"}, timeout=10).ok
        assert requests.get(url, headers=sandbox.admin_headers(), timeout=10).ok
        api = requests.get(
            f"{sandbox.url}/user", headers={"Authorization": "token admin-secret"}, timeout=10
        )
        assert api.status_code == 401  # the admin token is not an API account


@pytest.mark.parametrize(
    "path", ["/_sandbox/reset", "/repos/o/r/issues", "/api/v4/projects/a%2Fb/issues"]
)
def test_a_foreign_origin_is_refused(plansync_sandbox: Sandbox, path: str) -> None:
    headers = {**plansync_sandbox.admin_headers(), "Origin": "http://evil.example"}
    answer = requests.post(
        plansync_sandbox.url + path, json={"title": "x"}, headers=headers, timeout=10
    )
    assert answer.status_code == 403 and "cross-origin" in answer.json()["message"]
    null = {**headers, "Origin": "null"}  # sandboxed iframes and file:// pages
    assert requests.post(plansync_sandbox.url + path, headers=null, timeout=10).status_code == 403
    assert plansync_sandbox.stats()["writes"] == 0


def test_the_sandboxs_own_origin_is_fine(plansync_sandbox: Sandbox) -> None:
    headers = {**plansync_sandbox.admin_headers(), "Origin": plansync_sandbox.url}
    answer = requests.post(
        f"{plansync_sandbox.url}/repos/o/r/issues", json={"title": "x"}, headers=headers, timeout=10
    )
    assert answer.status_code == 201


def test_a_body_over_the_cap_is_413_unread() -> None:
    with Sandbox(max_body=1000) as sandbox:
        head = (
            f"POST /repos/o/r/issues HTTP/1.1\r\nHost: {sandbox.host}:{sandbox.port}\r\n"
            f"Authorization: token {sandbox.token}\r\nContent-Length: 1001\r\n\r\n"
        )
        answer = _raw(sandbox, head.encode())  # the body is never sent, nor waited for
        assert answer.startswith(b"HTTP/1.1 413 ")
        ok = requests.post(
            f"{sandbox.url}/repos/o/r/issues",
            json={"title": "x" * 900},
            headers={"Authorization": f"token {sandbox.token}"},
            timeout=10,
        )
        assert ok.status_code == 201


def test_bad_lengths_and_chunked_bodies_are_refused(plansync_sandbox: Sandbox) -> None:
    base = f"POST /repos/o/r/issues HTTP/1.1\r\nHost: x\r\nAuthorization: token {plansync_sandbox.token}\r\n"
    assert _raw(plansync_sandbox, (base + "Content-Length: -5\r\n\r\n").encode()).startswith(
        b"HTTP/1.1 400 "
    )
    chunked = base + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert _raw(plansync_sandbox, chunked.encode()).startswith(b"HTTP/1.1 411 ")
    assert plansync_sandbox.stats()["requests"] == 0


def test_a_stalled_body_is_dropped_not_waited_for() -> None:
    # The server's timeout is short here; the test itself waits on the server, not on a clock.
    with Sandbox(request_timeout=0.2) as sandbox:
        head = 'POST /repos/o/r/issues HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"ti'
        assert _raw(sandbox, head.encode()) == b""  # closed without an answer
        assert sandbox.wait_idle() and sandbox.stats()["requests"] == 0
        idle = _raw(sandbox, b"")  # an idle connection is closed too
        assert idle == b""
