"""One run of plansync for every front end: settings in, a RunReport out.

The CLI, the GitHub Action and the GitLab job call `run` and only render its report; none of
them reads the environment for the engine or talks to the service on its own.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from plansync import secrets
from plansync.apply import Outcome, Progress
from plansync.config import Config
from plansync.engine.changes import SyncPlan
from plansync.errors import PlansyncError
from plansync.files import read_text
from plansync.providers import connect
from plansync.providers.base import Provider
from plansync.publish import CONTENTS, PULL_REQUEST, Start, commit_message, prepare, publish
from plansync.sync import apply, compute, marker_path
from plansync.transport import EtagCache, Transport, TransportSettings, TransportStats, Wait
from plansync.transport.errors import RateLimited

EXIT_OK, EXIT_CONFLICTS, EXIT_PENDING, EXIT_RATE_LIMITED = 0, 1, 2, 75


class Mode(enum.Enum):
    PLAN = "plan"  # show what would change; write nothing
    SYNC = "sync"  # make the changes


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, as plain values (front ends build it from flags and files)."""

    config: Config
    token: str
    direction: str = "both"  # "both", "push" (the service only) or "pull" (the plan only)
    transport: TransportSettings = field(default_factory=TransportSettings)
    cache_path: str | None = None  # the ETag cache; None: no conditional requests
    max_creates: int = 500  # more creates in one run need a deliberate, higher value
    commit: Commit | None = None  # commit plan changes back through the API (CI runs)


@dataclass(frozen=True)
class Commit:
    """Where a run in CI commits the plans it changed."""

    branch: str | None  # None: the default branch
    run_id: str  # recorded in the commit message, so the run it starts knows it as ours
    mode: str = CONTENTS  # CONTENTS: a commit on `branch`; PULL_REQUEST: a proposal into it


@dataclass(frozen=True)
class PlanResult:
    path: str
    changes: SyncPlan
    outcome: Outcome | None  # None when nothing was applied (plan mode, or in sync)
    committed: bool = False  # the plan was committed back to the repository
    gave_way: tuple[str, ...] = ()  # keys whose plan edit gave way to a newer commit
    proposal: str | None = None  # the pull / merge request proposing it (pull-request mode)


@dataclass
class RunReport:
    """What a run saw and did: per plan, the changes and what was made; the waits; the cost."""

    mode: Mode
    provider: str
    repo: str
    direction: str
    plans: list[PlanResult] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    stats: TransportStats = field(default_factory=TransportStats)
    stopped: str | None = None  # why the run stopped early (a rate limit), if it did
    resume_at: float | None = None  # epoch seconds when a re-run can go on

    @property
    def conflicts(self) -> int:
        return sum(len(result.changes.conflicts) for result in self.plans)

    @property
    def pending(self) -> bool:
        return any(not result.changes.in_sync for result in self.plans)

    @property
    def plan_changed(self) -> bool:
        return any(r.outcome is not None and r.outcome.plan_written for r in self.plans)

    @property
    def exit_code(self) -> int:
        if self.stopped:
            return EXIT_RATE_LIMITED
        if self.mode is Mode.PLAN:
            return EXIT_PENDING if self.pending else EXIT_OK
        return EXIT_CONFLICTS if self.conflicts else EXIT_OK

    def total(self, what: str) -> int:
        """Counts of one kind of change made, over all plans ("issues created", ...)."""
        return sum(r.outcome.counts.get(what, 0) for r in self.plans if r.outcome is not None)


def run(
    settings: Settings,
    mode: Mode,
    *,
    on_wait: Callable[[Wait], None] | None = None,
    progress: Progress = lambda what, done, total: None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    """Plan or sync every plan of `settings.config` against its repository."""
    config = settings.config
    secrets.register(settings.token)
    report = RunReport(mode, config.provider, config.repo, settings.direction)

    def waited(wait: Wait) -> None:
        report.waits.append(wait)
        if on_wait is not None:
            on_wait(wait)

    cache = EtagCache(settings.cache_path) if settings.cache_path else None
    transport = Transport(settings.transport, clock=clock, sleep=sleep, on_wait=waited, cache=cache)
    try:
        provider = connect(config, settings.token, transport)
        for plan_path in config.plans:
            report.plans.append(_one(settings, mode, provider, plan_path, report, progress, clock))
            if report.stopped:
                break
    except RateLimited as stop:
        report.stopped, report.resume_at = str(stop), stop.resume_at
    finally:
        transport.close()
        report.stats = transport.stats()
    return report


def _one(
    settings: Settings,
    mode: Mode,
    provider: Provider,
    plan_path: str,
    report: RunReport,
    progress: Progress,
    clock: Callable[[], float],
) -> PlanResult:
    """One plan: compute, apply (a rate-limit stop keeps and reports what was done), and in
    CI commit the plan back."""
    config = settings.config
    start = _start(provider, plan_path, settings.commit)
    base_text = read_text(plan_path)
    plan, changes = compute(config, plan_path, provider, settings.direction)
    result = PlanResult(plan_path, changes, None)
    if mode is Mode.SYNC and not changes.in_sync:
        _check_creates(plan_path, changes, settings.max_creates)
        outcome = Outcome()
        result = replace(result, outcome=outcome)
        try:
            apply(config, plan_path, plan, changes, provider, progress, clock, outcome)
        except RateLimited as stop:
            report.stopped, report.resume_at = str(stop), stop.resume_at
    if settings.commit is not None:
        result = _commit(provider, result, base_text, settings.commit, start)
    return result


def _start(provider: Provider, plan_path: str, commit: Commit | None) -> Start | None:
    """In pull-request mode the run syncs the plan of the open proposal (see publish.prepare)."""
    if commit is None or commit.mode != PULL_REQUEST:
        return None
    return prepare(provider, plan_path, marker_path(plan_path), commit.branch)


def _commit(
    provider: Provider,
    result: PlanResult,
    base_text: str,
    commit: Commit,
    start: Start | None = None,
) -> PlanResult:
    """Commit the plan back; if the branch moved on, this run's edits are made on its text.
    In pull-request mode, propose it instead (also when only the base branch moved on)."""
    written = result.outcome is not None and result.outcome.plan_written
    if not written and start is None:
        return result
    path = marker_path(result.path)
    message = commit_message(path, commit.run_id)
    edits = result.outcome.plan_edits if result.outcome is not None else []
    published = publish(
        provider, result.path, path, base_text, commit.branch, message, edits, commit.mode, start
    )
    return replace(
        result,
        committed=published.committed,
        gave_way=published.dropped,
        proposal=published.url,
    )


def _check_creates(plan_path: str, changes: SyncPlan, limit: int) -> None:
    if len(changes.creates) > limit:
        raise PlansyncError(
            f"{plan_path}: this sync would create {len(changes.creates)} issues, more than "
            f"the {limit} one run may create; nothing was changed",
            f"check `plansync plan` first; to go ahead, pass --max-creates "
            f"{len(changes.creates)} (or set PLANSYNC_MAX_CREATES)",
        )


def stats_json(stats: TransportStats) -> dict[str, Any]:
    return {
        "requests": stats.requests,
        "writes": stats.writes,
        "retries": stats.retries,
        "not_modified": stats.not_modified,
        "points": stats.points,
        "quota_remaining": stats.quota_remaining,
        "waited_seconds": round(stats.waited_seconds, 1),
    }
