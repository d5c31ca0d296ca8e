"""Which issue and milestone belong to which plan item and phase (pure).

An issue is matched by the reference on its task's line, else by the key in its
marker, else (a task renamed while references are off) by its title.
"""

from __future__ import annotations

from plansync.engine import marker as m
from plansync.engine.desired import Desired, DesiredIssue
from plansync.engine.records import RemoteIssue, RemoteMilestone, Snapshot

MANAGED_LABEL_PREFIXES = ("priority: ", "effort: ", "kind: ")
REMOVED = "\0removed\0"  # prefix of keys for managed issues no task claims


def find_milestone(
    snapshot: Snapshot, plan_path: str, key: str, title: str
) -> RemoteMilestone | None:
    for milestone in snapshot.milestones:
        marker = m.parse_marker(milestone.description)
        if marker and marker.plan == plan_path and marker.key == key:
            return milestone
    return next((ms for ms in snapshot.milestones if ms.title == title), None)


def match_issues(plan_path: str, desired: Desired, snapshot: Snapshot) -> dict[str, RemoteIssue]:
    """Key -> issue: by the plan line's reference first, then by the marker's key."""
    by_key: dict[str, RemoteIssue] = {}
    for issue in sorted(snapshot.issues, key=lambda i: i.number):
        marker = m.parse_marker(issue.body)
        if marker and marker.plan == plan_path and marker.key not in by_key:
            by_key[marker.key] = issue
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
        if remote.number not in claimed:
            matched.setdefault(f"{REMOVED}{key}", remote)
    return matched


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
