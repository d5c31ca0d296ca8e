"""Which issue and milestone belong to which plan item and phase (pure).

An issue is matched by the reference on its task's line, else by the key in its
marker, else (a task renamed while references are off) by its title.
"""

from __future__ import annotations

from dataclasses import dataclass

from plansync.engine import marker as m
from plansync.engine.changes import CloseDuplicate, Note
from plansync.engine.desired import Desired, DesiredIssue
from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot

MANAGED_LABEL_PREFIXES = ("priority: ", "effort: ", "kind: ")
REMOVED = "\0removed\0"  # prefix of keys for managed issues no task claims


class MilestoneIndex:
    """A phase's milestone: by the marker in its description, else by its title, unless
    another plan's marker claims that milestone (titles are unique on the service: two
    plans with a "Phase 1" need `milestone_prefix`). Each marker is read once."""

    def __init__(self, snapshot: Snapshot, plan_path: str) -> None:
        self._by_key: dict[str, RemoteMilestone] = {}
        self._by_title: dict[str, RemoteMilestone] = {}
        self.claimed: dict[str, str] = {}  # title -> the other plan whose milestone it is
        for milestone in snapshot.milestones:
            marker = m.parse_marker(milestone.description)
            if marker and marker.plan == plan_path:
                self._by_key.setdefault(marker.key, milestone)
            elif marker and marker.plan:
                self.claimed[milestone.title] = marker.plan
                continue
            self._by_title.setdefault(milestone.title, milestone)

    def find(self, key: str, title: str) -> RemoteMilestone | None:
        return self._by_key.get(key) or self._by_title.get(title)


@dataclass(frozen=True)
class Matching:
    matched: dict[str, RemoteIssue]  # key -> issue; REMOVED-prefixed keys: no task claims it
    duplicates: tuple[CloseDuplicate, ...] = ()
    notes: tuple[Note, ...] = ()


def match_issues(
    plan_path: str,
    desired: Desired,
    snapshot: Snapshot,
    trusted: frozenset[str] | None = None,
) -> Matching:
    """Key -> issue: by the plan line's reference first, then by the marker's key.

    A marker alone makes an issue plansync's only if a trusted account opened it
    (`trusted`; None trusts all): anyone who can label an issue can also write a marker.
    """
    referenced = {wanted.issue_ref for wanted in desired.issues if wanted.issue_ref}
    marked, notes = _marked(plan_path, snapshot, trusted, referenced)
    by_key = {key: issues[0] for key, issues in marked.items()}
    matched: dict[str, RemoteIssue] = {}
    claimed: set[int] = set()
    keys = {wanted.key for wanted in desired.issues}
    for wanted in desired.issues:
        remote = snapshot.issue(wanted.issue_ref) if wanted.issue_ref else None
        if remote is None or remote.number in claimed:
            remote = by_key.get(wanted.key)
        if remote is None:  # a renamed task whose key came from its title, with refs off
            remote = next(
                (
                    r
                    for k, r in by_key.items()
                    if r.title == wanted.title and r.number not in claimed and k not in keys
                ),
                None,
            )
        if remote is not None and remote.number not in claimed:
            matched[wanted.key] = remote
            claimed.add(remote.number)
    # managed issues no task claimed stay reachable for _removed under a marker-only key
    for key, remote in by_key.items():
        if remote.number not in claimed and not _claimed_twin(marked[key], claimed):
            matched.setdefault(f"{REMOVED}{key}", remote)
    return Matching(matched, _duplicates(plan_path, marked, matched), tuple(notes))


def _marked(
    plan_path: str, snapshot: Snapshot, trusted: frozenset[str] | None, referenced: set[int]
) -> tuple[dict[str, list[RemoteIssue]], list[Note]]:
    """Issues whose marker names this plan, by key, oldest first: those a trusted account
    opened, and those a task's line references (the plan's author vouches for them)."""
    marked: dict[str, list[RemoteIssue]] = {}
    notes: list[Note] = []
    for issue in sorted(snapshot.issues, key=lambda i: i.number):
        marker = m.parse_marker(issue.body)
        if not marker or marker.plan != plan_path:
            continue
        if trusted is not None and issue.author not in trusted and issue.number not in referenced:
            who = f"@{issue.author}" if issue.author else "an unknown account"
            notes.append(
                Note(
                    marker.key,
                    issue.number,
                    f"issue #{issue.number} carries a plansync marker for {marker.key} but was "
                    f"opened by {who}, not by a trusted account: ignored (reference it from "
                    "the task's line, or list the author under trusted_authors, to adopt it)",
                )
            )
            continue
        marked.setdefault(marker.key, []).append(issue)
    return marked, notes


def _claimed_twin(issues: list[RemoteIssue], claimed: set[int]) -> bool:
    return any(issue.number in claimed for issue in issues)


def _duplicates(
    plan_path: str, marked: dict[str, list[RemoteIssue]], matched: dict[str, RemoteIssue]
) -> tuple[CloseDuplicate, ...]:
    """Open issues that carry a task already carried by another (two runs raced): the
    task keeps the issue its line references, else the oldest; the others close."""
    numbers = {remote.number for remote in matched.values()}
    closes: list[CloseDuplicate] = []
    for key, issues in marked.items():
        if len(issues) < 2:
            continue
        keep = next((i for i in issues if i.number in numbers), issues[0])
        for issue in issues:
            if issue.number != keep.number and issue.state is RemoteState.OPEN:
                comment = (
                    f"This issue duplicates #{keep.number}: both carry {key} of `{plan_path}` "
                    "(two syncs ran at once). plansync keeps "
                    f"#{keep.number} and closed this one."
                )
                closes.append(CloseDuplicate(key, issue.number, keep.number, comment))
    return tuple(closes)


def labels_for(issue: DesiredIssue, remote: RemoteIssue) -> tuple[str, ...] | None:
    """Keep labels people added; set the ones plansync manages."""
    managed = {issue.labels[0].lower()} if issue.labels else set()
    kept = [
        label
        for label in remote.labels
        if not label.lower().startswith(MANAGED_LABEL_PREFIXES) and label.lower() not in managed
    ]
    wanted = tuple(kept) + issue.labels
    if {label.lower() for label in wanted} == {label.lower() for label in remote.labels}:
        return None
    return wanted


def milestone_for(issue: DesiredIssue, remote: RemoteIssue, numbers: dict[str, int]) -> str | None:
    if issue.milestone is None:
        return None
    if numbers.get(issue.milestone) == remote.milestone and remote.milestone is not None:
        return None
    return issue.milestone
