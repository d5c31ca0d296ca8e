"""The fault matrix: every fault kind at every kind of operation of a sync, on both services.

Each case runs the same two syncs as a fault-free reference (tests/resilience/scenario.py),
with one fault on the first request of its operation in the second sync, and asserts that the
second sync heals it within the run (exit 0) and leaves exactly the reference's issues,
relations, milestones, labels and plan text: no duplicate, no lost edit. Sandbox switches make
some faults, a proxy on the wire the others; the engine cannot tell which.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plansync.run import Mode
from tests.resilience import scenario, world
from tests.resilience.proxy import FaultProxy
from tests.resilience.world import World

SANDBOX_KINDS = {
    "500": "500",
    "502": "502",
    "503": "503",
    "reset": "reset",
    "lost-response": "lost-response",
    "malformed": "malformed",
}
PROXY_KINDS = {
    "504": "504",
    "timeout": "timeout",
    "proxy-reset": "reset",
    "proxy-garbled": "garble",
}
LIMIT_KINDS = {
    "github": {"primary": "primary", "secondary": "secondary", "secondary-bare": "secondary-bare"},
    "gitlab": {"429": "429", "429-reset": "429-reset"},
}
TIMEOUT = 0.5  # real seconds a client waits for the answer that the proxy never sends


def cases() -> Iterator[Any]:
    for provider in ("github", "gitlab"):
        kinds = [*SANDBOX_KINDS, *PROXY_KINDS, *LIMIT_KINDS[provider]]
        for kind in kinds:
            for operation in scenario.OPERATIONS[provider]:
                yield pytest.param(provider, kind, operation, id=f"{provider}-{kind}-{operation}")


_REFERENCE: dict[str, tuple[dict[str, Any], str]] = {}


def reference(provider: str, tmp_path: Path) -> tuple[dict[str, Any], str]:
    """The fault-free outcome of the scenario: the service's state and the plan's text."""
    if provider not in _REFERENCE:
        with world.world(tmp_path / "reference", provider) as calm:
            scenario.first_sync(calm)
            scenario.edit_both_sides(calm)
            assert calm.sync().exit_code == 0
            _REFERENCE[provider] = (calm.state(), calm.text())
    return _REFERENCE[provider]


@pytest.mark.parametrize(("provider", "kind", "operation"), list(cases()))
def test_a_fault_heals_within_the_run(
    provider: str, kind: str, operation: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_state, expected_text = reference(provider, tmp_path)
    with world.world(tmp_path / "run", provider) as w:
        scenario.first_sync(w)
        scenario.edit_both_sides(w)
        before = w.text()
        method, pattern = scenario.OPERATIONS[provider][operation]
        direct = w.base_url
        with FaultProxy(w.sandbox.port, w.fake.time) as proxy:
            fired = inject(w, proxy, kind, method, pattern, monkeypatch)
            report = w.sync()
            assert fired(), f"the {kind} fault never reached a {operation} request"
        w.base_url = direct
        assert report.exit_code == 0 and report.stopped is None, report.stopped
        world.assert_plan_whole(w.text(), before)
        world.assert_one_issue_per_key(w.keys())
        assert w.state() == expected_state
        assert w.text() == expected_text
        assert w.sync(Mode.PLAN).exit_code == 0, "a fault-free run still had work to do"


def inject(
    w: World, proxy: FaultProxy, kind: str, method: str, pattern: str, mp: pytest.MonkeyPatch
) -> Any:
    """Arm the fault for the next sync; returns a check that it fired."""
    if kind in SANDBOX_KINDS:
        w.sandbox.set_faults(f"{method} {pattern}: {SANDBOX_KINDS[kind]} @1")
        return lambda: w.sandbox.app.faults.describe()["rules"][0]["fired"] == 1
    action = PROXY_KINDS.get(kind) or LIMIT_KINDS[w.provider][kind]
    rule = proxy.arm(method, pattern, action)
    w.base_url = proxy.url + ("/api/v3" if w.provider == "github" else "")
    if kind == "timeout":
        short_timeouts(mp)
    return lambda: rule.fired == 1


def short_timeouts(mp: pytest.MonkeyPatch) -> None:
    """PyGithub asks for 15 s; a test waits TIMEOUT real seconds for the answer that never
    comes (the only real wait in this file: a socket timeout cannot be faked)."""
    from plansync import run as run_module
    from plansync.transport import Transport

    class ShortTimeouts(Transport):
        def send(self, request: Any, stream: bool = False, timeout: Any = None, **kw: Any) -> Any:
            return super().send(request, stream, TIMEOUT, **kw)

    mp.setattr(run_module, "Transport", ShortTimeouts)
