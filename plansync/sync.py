"""The imperative shell: read the plan, snapshot the service, reconcile, apply, write the plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from plansync.config import Config
from plansync.engine.changes import Link, SyncPlan, UpdateIssue, UpdateMilestone
from plansync.engine.desired import ref_number
from plansync.engine.reconcile import reconcile, ref_text
from plansync.engine.records import RemoteIssue, RemoteState, Snapshot
from plansync.errors import PlansyncError
from plansync.files import read_text, write_text_atomic
from plansync.plan import Plan, parse_plan, validate
from plansync.plan.write import Edit, SetIssueRef, apply_edits
from plansync.providers.base import Provider


@dataclass
class Outcome:
    """What a sync did, for the summary."""

    counts: dict[str, int] = field(default_factory=dict)
    plan_written: bool = False
    linked: bool = False  # every relation was made

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


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
        if problem.code == "cycle":  # the service would refuse part of the relations
            raise PlansyncError(
                problem.render(plan_path).replace(" (hint:", "; sync refused (hint:")
            )
    snapshot = provider.snapshot(config.mapping.label)
    snapshot = _with_referenced_issues(plan, snapshot, provider)
    return plan, reconcile(plan, marker_path(plan_path), config.policy(), snapshot, direction)


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
    progress: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Carry out `changes`: plan edits first, then the service, then issue references.

    Pulled values reach the plan file before the service records the new base, so a run
    killed in between can only see both sides agreeing, never lose a person's edit.
    """
    outcome = Outcome()
    issues: dict[str, RemoteIssue] = dict(changes.known_issues)
    milestones: dict[str, int] = dict(changes.known_milestones)
    if changes.plan_edits:
        plan = _write(plan_path, plan, [e.edit for e in changes.plan_edits], outcome)
        outcome.count("plan edits", len(changes.plan_edits))
    try:
        _remote(config, changes, provider, issues, milestones, outcome, progress)
    finally:
        unlinked = set() if outcome.linked else {_owner(link) for link in changes.links}
        refs = [r for r in _refs(config, plan, changes, issues) if r.key not in unlinked]
        if refs:
            _write(plan_path, plan, list[Edit](refs), outcome)
            outcome.count("issue references written", len(refs))
    return outcome


def _write(plan_path: str, plan: Plan, edits: list[Edit], outcome: Outcome) -> Plan:
    text = apply_edits(plan, edits)
    if text != plan.text:
        write_text_atomic(plan_path, text)
        outcome.plan_written = True
    return parse_plan(text, plan_path)


def _remote(
    config: Config,
    changes: SyncPlan,
    provider: Provider,
    issues: dict[str, RemoteIssue],
    milestones: dict[str, int],
    outcome: Outcome,
    progress: Callable[[str], None],
) -> None:
    for label in changes.labels:
        provider.create_label(label.name)
        outcome.count("labels created")
    for change in changes.milestones:
        if isinstance(change, UpdateMilestone):
            provider.update_milestone(
                change.number, change.title, change.description, change.due_on
            )
            milestones[change.key] = change.number
            outcome.count("milestones updated")
        else:
            milestone = provider.create_milestone(change.title, change.description, change.due_on)
            milestones[change.key] = milestone.number
            outcome.count("milestones created")
    for create in changes.creates:
        wanted = create.issue
        progress(f"create {wanted.key}")
        created = provider.create_issue(
            wanted.title,
            create.body,
            wanted.labels,
            milestones.get(wanted.milestone) if wanted.milestone else None,
            wanted.assignees,
        )
        if wanted.state is not RemoteState.OPEN:
            created = provider.update_issue(created.number, state=wanted.state)
        issues[wanted.key] = created
        outcome.count("issues created")
    for link in changes.links:
        source, target = issues.get(link.key), issues.get(link.target)
        if source is None or target is None:
            continue  # the other issue is not managed by this plan (yet)
        if link.kind == "sub-issue":
            provider.add_sub_issue(source, target)
        else:
            provider.add_blocked_by(source, target)
        outcome.count("relations added")
    outcome.linked = True
    for update in changes.updates:
        _update(provider, update, issues, milestones)
        outcome.count("issues updated")
    for close in changes.closes:
        provider.comment(close.number, close.comment)
        provider.update_issue(close.number, state=RemoteState.SKIPPED, body=close.body)
        outcome.count("issues closed (removed from plan)")


def _owner(link: Link) -> str:
    """The issue whose marker records the relation: the child, or the blocked issue."""
    return link.target if link.kind == "sub-issue" else link.key


def _update(
    provider: Provider,
    update: UpdateIssue,
    issues: dict[str, RemoteIssue],
    milestones: dict[str, int],
) -> None:
    number = update.number or issues[update.key].number
    milestone = milestones.get(update.milestone) if update.milestone else None
    provider.update_issue(
        number,
        title=update.title,
        body=update.body,
        state=update.state,
        labels=update.labels,
        milestone=milestone,
        assignees=update.assignees,
    )


def _refs(
    config: Config, plan: Plan, changes: SyncPlan, issues: dict[str, RemoteIssue]
) -> list[SetIssueRef]:
    style = config.mapping.issue_ref
    edits: list[SetIssueRef] = []
    for ref in changes.refs:
        issue = issues.get(ref.key)
        found = plan.find(ref.key)
        if issue is None or not found or not issue.number:
            continue
        text = ref_text(style, issue.number, issue.url)
        if found[0].issue_ref != text:
            edits.append(SetIssueRef(ref.key, text))
    return edits
