"""Request economy: a no-op re-sync with the ETag cache spends no rate limit (every listing a
304), a stale, missing or corrupt cache only costs a full read, and no cached answer ever hides
a change made on the service."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from plansync.run import Mode, RunReport, run
from tests.resilience import world
from tests.resilience.test_big_plans import generated_plan
from tests.resilience.world import World

LISTINGS = 4  # issues, milestones, labels, the account


def sync(w: World, cache: Path | None) -> RunReport:
    w.sandbox.reset_stats()
    settings = replace(w.settings(), cache_path=str(cache) if cache else None)
    return run(settings, Mode.SYNC, clock=w.fake.time, sleep=w.fake.sleep)


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_a_noop_resync_with_etags_spends_no_points(provider: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "etags.json"
    with world.world(tmp_path, provider, plan=generated_plan(150)) as w:
        assert sync(w, cache).exit_code == 0  # the first sync
        sync(w, cache)  # its writes changed every listing: full answers, new ETags
        report = sync(w, cache)
        stats = w.sandbox.stats()
        assert stats["requests"] == report.stats.requests >= LISTINGS + 1  # 2 pages of issues
        assert stats["rate_limit_points"] == 0 and report.stats.charged == 0
        assert stats["not_modified"] == stats["requests"]
        assert report.stats.writes == 0 and not report.plan_changed


@pytest.mark.parametrize("provider", ["github", "gitlab"])
@pytest.mark.parametrize("damage", ["missing", "corrupt", "foreign", "stale"])
def test_a_bad_cache_only_costs_a_full_read(provider: str, damage: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "etags.json"
    with world.world(tmp_path, provider) as w:
        sync(w, cache)
        sync(w, cache)
        if damage == "missing":
            cache.unlink()
        elif damage == "corrupt":
            cache.write_text('{"version": 1, "entries": {"x": [', encoding="utf-8")
        elif damage == "foreign":
            cache.write_text('{"version": 99, "entries": []}', encoding="utf-8")
        else:  # another run changed every listing since: every ETag is out of date
            w.edit("- [ ] **Task 5: Docs**", "- [x] **Task 5: Docs**")
            sync(w, None)
        report = sync(w, cache)
        assert report.exit_code == 0 and report.stats.writes == 0
        assert w.sandbox.stats()["rate_limit_points"] <= LISTINGS  # a full read, no more
        assert sync(w, cache).stats.charged == 0  # and the cache is whole again


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_a_cached_listing_never_hides_a_change(provider: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "etags.json"
    with world.world(tmp_path, provider) as w:
        for _ in range(3):
            sync(w, cache)
        w.fake.advance(60)
        if provider == "github":
            w.sandbox.github_client().get_repo(world.REPO).get_issue(5).edit(state="closed")
        else:
            emails = w.sandbox.gitlab_client().projects.get(world.REPO).issues.get(5)
            emails.state_event = "close"
            emails.save()
        report = sync(w, cache)
        assert report.plan_changed and "- [x] **Task 4: Emails**" in w.text()
        stats = w.sandbox.stats()
        # Re-read: issues, and milestones (their issue counts changed); still 304: the labels
        # and the account. One write: the issue's marker records the new base.
        assert stats["not_modified"] == 2 and report.stats.writes == 1
        assert stats["rate_limit_points"] == 3
