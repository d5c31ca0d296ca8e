"""Proxy and CA settings from the environment are honoured as requests honours them, but read
once per host for a run's session, not on every request."""

from __future__ import annotations

import pytest
import requests

from plansync.transport import Transport
from plansync.transport.mount import read_environment_once, session_for
from tests.transport.fakes import NO_PACING

URLS = [
    "https://api.github.com/repos/a/b/issues?page=2",
    "https://api.github.com/user",
    "http://127.0.0.1:8765/api/v3/repos/a/b",
    "https://gitlab.internal:8443/api/v4/projects/1/issues",
]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp:3129")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,gitlab.internal")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corp-ca.pem")


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize("verify", [None, True, False, "/own-ca.pem"])
def test_the_settings_are_those_requests_would_use(verify: bool | str | None) -> None:
    plain = requests.Session()
    session = session_for(Transport(NO_PACING))
    for url in URLS + URLS:  # the second time from what was kept
        expected = plain.merge_environment_settings(url, {}, None, verify, None)
        assert session.merge_environment_settings(url, {}, None, verify, None) == expected
    github = session.merge_environment_settings(URLS[0], {}, None, None, None)
    assert github["proxies"]["https"] == "http://proxy.corp:3128"
    assert github["verify"] == "/etc/corp-ca.pem"
    assert (
        "http" not in session.merge_environment_settings(URLS[2], {}, None, None, None)["proxies"]
    )


def test_the_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = requests.sessions.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return real(url, no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    session = requests.Session()
    read_environment_once(session)
    for page in range(5):
        session.merge_environment_settings(f"{URLS[0]}&n={page}", {}, None, None, None)
    session.merge_environment_settings(URLS[2], {}, None, None, None)
    assert len(reads) == 2


def test_a_session_setting_changed_later_is_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    session = requests.Session()
    read_environment_once(session)
    assert session.merge_environment_settings(URLS[0], {}, None, None, None)["verify"] is True
    session.verify = "/other-ca.pem"
    assert session.merge_environment_settings(URLS[0], {}, None, None, None)["verify"] == (
        "/other-ca.pem"
    )
