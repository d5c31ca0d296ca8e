"""The imperative shell: read the plan, snapshot the service, reconcile, apply, write the plan."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from plansync.apply import Outcome, Progress, RemoteSteps
from plansync.config import Config
from plansync.engine.changes import SyncPlan
from plansync.engine.desired import ref_number, ref_text
from plansync.engine.reconcile import reconcile
from plansync.engine.records import RemoteIssue, Snapshot
from plansync.errors import PlanEditError, PlansyncError, ProviderError
from plansync.files import read_text, write_text_atomic
from plansync.plan import Plan, parse_plan, validate
from plansync.plan.write import Edit, Prepared, SetIssueRef, apply_edits, prepare, splice
from plansync.providers.base import Provider
from plansync.status import progress, render_markdown

__all__ = ["Outcome", "apply", "compute", "marker_path"]

# Problems that make part of a sync impossible or ambiguous: refused before any write.
REFUSED_PROBLEMS = {"cycle", "duplicate-key"}
BATCH = 20  # issue references reach the plan file every this many creates


def marker_path(plan_path: str) -> str:
    """The plan's path as the marker records it: relative to the git work tree, so that
    running from another directory still finds the same issues."""
    path = Path(plan_path).resolve()
    for parent in path.parents:
        if (parent / ".git").exists():
            return path.relative_to(parent).as_posix()
    return Path(plan_path).as_posix()


def compute(
    config: Config, plan_path: str, provider: Provider, direction: str = "both"
) -> tuple[Plan, SyncPlan]:
    """Everything `plansync plan` shows: reads both sides, writes nothing."""
    plan = parse_plan(read_text(plan_path), plan_path)
    for problem in validate(plan):
        if problem.code in REFUSED_PROBLEMS:
            raise PlansyncError(
                problem.render(plan_path).replace(" (hint:", "; sync refused (hint:")
            )
    snapshot = provider.snapshot(config.mapping.label)
    snapshot = _with_referenced_issues(plan, snapshot, provider)
    status = _status_text(plan, plan_path) if config.mapping.status_issue else None
    policy = config.policy(_trusted_authors(config, provider), status)
    return plan, reconcile(plan, marker_path(plan_path), policy, snapshot, direction)


def _status_text(plan: Plan, plan_path: str) -> str:
    """The status issue's body: progress per phase and the plan's picture."""
    return render_markdown(plan, progress(plan, name=marker_path(plan_path)))


def _trusted_authors(config: Config, provider: Provider) -> frozenset[str]:
    """The accounts whose marked issues count: plansync's own, and those configured."""
    trusted = set(config.trusted_authors)
    # A workflow's GITHUB_TOKEN may not read /user: then the configured ones only.
    with suppress(ProviderError):
        trusted.add(provider.account())
    return frozenset(trusted)


def _with_referenced_issues(plan: Plan, snapshot: Snapshot, provider: Provider) -> Snapshot:
    """Add issues a plan line names that the labelled listing missed (a label removed)."""
    extra: list[RemoteIssue] = []
    for item in plan.items:
        number = ref_number(item.issue_ref)
        if number is not None and snapshot.issue(number) is None:
            found = provider.issue(number)
            if found is not None:
                extra.append(found)
    return replace(snapshot, issues=snapshot.issues + tuple(extra)) if extra else snapshot


def apply(
    config: Config,
    plan_path: str,
    plan: Plan,
    changes: SyncPlan,
    provider: Provider,
    progress: Progress = lambda what, done, total: None,
    clock: Callable[[], float] = time.time,
    outcome: Outcome | None = None,
) -> Outcome:
    """Carry out `changes`: plan edits first, then the service, then issue references.

    Pulled values reach the plan file before the service records the new base, so a run
    killed in between can only see both sides agreeing, never lose a person's edit.
    Issue references are written in batches as issues are made (each once its relations
    exist), so a run that stops keeps what it made and the next one goes on from there.
    `outcome`, when given, is filled in as the run goes (it tells what a stopped run did).
    """
    outcome = outcome if outcome is not None else Outcome()
    document = _Document(plan_path, plan, outcome)
    if changes.plan_edits:
        document.pull([e.edit for e in changes.plan_edits])
        outcome.count("plan edits", len(changes.plan_edits))
    steps = RemoteSteps(provider, changes, config.mapping.label, outcome, progress, clock)

    def write_refs() -> None:
        document.refer(_refs(config.mapping.issue_ref, document, changes, steps))

    try:
        steps.labels()
        steps.milestones()
        steps.creates(BATCH, write_refs)
        steps.links()
        write_refs()
        steps.updates()
        steps.closes()
        steps.duplicates()
    finally:
        write_refs()
    return outcome


class _Document:
    """The plan file as this run changes it: each change is written at once, atomically.

    References are spans of the plan as it stood after the pulled edits, so every batch is
    written from that one parse (no parse per batch: a big first sync writes many).
    """

    def __init__(self, path: str, plan: Plan, outcome: Outcome) -> None:
        self.path = path
        self.plan = plan
        self.outcome = outcome
        self.refs: dict[str, SetIssueRef] = {}
        self.prepared: dict[str, Prepared] = {}  # the references' replacements, by key
        self.text = plan.text  # what the file holds now

    def pull(self, edits: list[Edit]) -> None:
        self._write(apply_edits(self.plan, edits), edits)
        self.plan = parse_plan(self.text, self.path)

    def refer(self, refs: list[SetIssueRef]) -> None:
        if not refs:
            return
        good, bad = prepare(self.plan, refs)  # each reference's bytes are computed once
        if bad:
            raise PlanEditError(f"cannot write an issue reference: {bad[0][1]}")
        self.refs.update((ref.key, ref) for ref in refs)
        self.prepared.update((ref.key, done) for ref, done in zip(refs, good, strict=True))
        self._write(splice(self.plan.text, self.prepared.values()), list(refs))
        self.outcome.count("issue references written", len(refs))

    def current_ref(self, key: str) -> str | None:
        if key in self.refs:
            return self.refs[key].ref
        found = self.plan.find(key)
        return found[0].issue_ref if found else None

    def _write(self, text: str, edits: list[Edit]) -> None:
        if text != self.text:
            write_text_atomic(self.path, text)
            self.text = text
            self.outcome.plan_written = True
            self.outcome.plan_edits.extend(edits)


def _refs(
    style: str, document: _Document, changes: SyncPlan, steps: RemoteSteps
) -> list[SetIssueRef]:
    """References for every issue whose relations are all made and whose line lacks one."""
    edits: list[SetIssueRef] = []
    waiting = steps.unlinked_owners()
    for ref in changes.refs:
        issue = steps.issues.get(ref.key)
        if (
            issue is None
            or not issue.number
            or ref.key in waiting
            or not document.plan.find(ref.key)
        ):
            continue
        text = ref_text(style, issue.number, issue.url)
        if document.current_ref(ref.key) != text:
            edits.append(SetIssueRef(ref.key, text))
    return edits
