"""A run stopped by a rate limit (exit 75) keeps everything it made: the next run sends no
write twice, whatever request the stop came at."""

from __future__ import annotations

from pathlib import Path

import pytest

from plansync.run import EXIT_OK, EXIT_RATE_LIMITED, Mode
from tests.resilience import world
from tests.resilience.proxy import FaultProxy

WRITES = {
    "github": ("POST", "/repos/*/issues/*/dependencies/blocked_by"),
    "gitlab": ("POST", "/projects/*/issues/*/links"),
}
CREATES = {"github": ("POST", "/repos/*/issues"), "gitlab": ("POST", "/projects/*/issues")}


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize("what", ["relation", "create"])
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_stop_mid_way_sends_nothing_twice(
    provider: str, what: str, nth: int, tmp_path: Path
) -> None:
    with world.world(tmp_path / "reference", provider) as calm:
        assert calm.sync().exit_code == EXIT_OK
        expected_state, expected_text = calm.state(), calm.text()
        writes = calm.sandbox.stats()["writes"]
    with world.world(tmp_path / "run", provider) as w, FaultProxy(w.sandbox.port, w.fake.time) as p:
        direct = w.base_url
        w.base_url = p.url + ("/api/v3" if provider == "github" else "")
        method, pattern = (WRITES if what == "relation" else CREATES)[provider]
        rule = p.arm(method, pattern, "secondary" if provider == "github" else "429", nth)
        # The limit's wait (60 s, 40 s) is beyond what this run accepts: it must stop.
        stopped = w.sync(max_wait=10)
        assert rule.fired == 1
        assert stopped.exit_code == EXIT_RATE_LIMITED, stopped.stopped
        w.base_url = direct
        world.assert_plan_whole(w.text(), world.SMALL_PLAN)
        w.fake.advance(120)
        assert w.sync().exit_code == EXIT_OK
        assert w.state() == expected_state
        assert w.text() == expected_text
        assert w.sandbox.stats()["writes"] == writes, "a write was sent twice"
        statuses = w.sandbox.stats()["by_status"]
        assert not statuses.get("422") and not statuses.get("409"), statuses
        assert w.sync(Mode.PLAN).exit_code == EXIT_OK
