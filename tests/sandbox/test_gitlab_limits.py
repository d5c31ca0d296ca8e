"""GitLab rate-limit decisions, pure: windows, headers, the two kinds of 429."""

from __future__ import annotations

import pytest

from plansync.sandbox.gitlab.limits import (
    APP_LIMIT_MESSAGE,
    Decision,
    Settings,
    Window,
    check,
    retry_after,
    tick,
)

T0 = 1_700_000_040.0  # on a minute boundary


def run(
    settings: Settings, kinds: list[str], now: float = T0, scale: float = 1.0
) -> list[Decision]:
    windows: dict[str, Window] = {}
    decisions: list[Decision] = []
    for kind in kinds:
        windows, decision = check(settings, windows, kind, now, scale)
        decisions.append(decision)
    return decisions


def test_defaults_are_gitlab_com_values() -> None:
    settings = Settings.from_config({})
    assert (settings.requests_per_minute, settings.issues_per_minute) == (2000, 200)
    assert settings.notes_per_minute == 60
    assert settings.period == 60.0


def test_config_keys_override() -> None:
    config = {"requests_per_minute": 5, "notes_per_minute": "2", "rate_limit_period": 1}
    settings = Settings.from_config(config)
    assert (settings.requests_per_minute, settings.notes_per_minute, settings.period) == (5, 2, 1.0)


def test_windows_are_fixed_and_aligned() -> None:
    first = tick(None, T0 + 10, 60)
    assert first == Window(T0, 1)
    assert tick(first, T0 + 59.9, 60) == Window(T0, 2)
    assert tick(first, T0 + 60, 60) == Window(T0 + 60, 1)


def test_headers_count_down_then_429_with_retry_after() -> None:
    settings = Settings(requests_per_minute=2)
    one, two, three = run(settings, ["api", "api", "api"], now=T0 + 45)
    assert one.allowed and two.allowed and not three.allowed
    assert one.headers["RateLimit-Remaining"] == "1"
    assert two.headers["RateLimit-Observed"] == "2"
    assert one.headers["RateLimit-Name"] == "throttle_authenticated_api"
    assert one.headers["RateLimit-Reset"] == str(int(T0 + 60))
    assert "Retry-After" not in one.headers
    assert three.body == "Retry later\n"
    assert three.headers["Retry-After"] == "15"
    assert three.headers["RateLimit-Remaining"] == "0"
    assert three.headers["RateLimit-ResetTime"].endswith("GMT")


def test_application_limit_refuses_while_headers_show_quota() -> None:
    settings = Settings(notes_per_minute=1)
    first, second, plain = run(settings, ["note_create", "note_create", "api"])
    assert first.allowed and not second.allowed and plain.allowed
    assert second.body == {"message": {"error": APP_LIMIT_MESSAGE}}
    assert int(second.headers["RateLimit-Remaining"]) > 0
    assert second.headers["Retry-After"] == "60"


def test_issue_and_note_limits_are_separate() -> None:
    settings = Settings(issues_per_minute=1, notes_per_minute=1)
    decisions = run(settings, ["issue_create", "note_create", "issue_create"])
    assert [d.allowed for d in decisions] == [True, True, False]


def test_disabled_limits_allow_everything_without_headers() -> None:
    settings = Settings(requests_per_minute=0, enabled=False)
    (decision,) = run(settings, ["api"])
    assert decision.allowed and decision.headers == {}


@pytest.mark.parametrize(
    ("reset", "now", "scale", "expected"),
    [(60, 0, 1, 60), (60, 0, 60, 1), (60, 59.99, 1, 1), (60, 60, 1, 1), (3600, 0, 60, 60)],
)
def test_retry_after_is_real_seconds_and_never_zero(
    reset: float, now: float, scale: float, expected: int
) -> None:
    assert retry_after(reset, now, scale) == expected
