"""Carrying out a SyncPlan's service writes, one step at a time, each keeping what it made.

A create whose answer was lost (`OutcomeUnknown`) is looked up before it is tried again, so
no retry makes a second copy: issues by the marker in their body, milestones by title
(unique on both services); labels and relations are not an error when they exist already.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from plansync.engine import marker as m
from plansync.engine.changes import (
    CreateIssue,
    CreateMilestone,
    Link,
    SyncPlan,
    UpdateIssue,
)
from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState
from plansync.plan.write import Edit
from plansync.providers.base import Provider
from plansync.transport.errors import OutcomeUnknown

T = TypeVar("T")
# Told each step of long work: what, how many done, out of how many.
Progress = Callable[[str, int, int], None]
ATTEMPTS = 3  # tries of one create whose outcome stays unknown
LOOKBACK = 600.0  # seconds before the run's start that a lost create is looked for


@dataclass
class Outcome:
    """What a sync did, for the summary."""

    counts: dict[str, int] = field(default_factory=dict)
    plan_written: bool = False
    plan_edits: list[Edit] = field(default_factory=list)  # as applied, to redo on a newer text

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


class RemoteSteps:
    """The service side of one sync. `issues` and `milestones` hold, by key, what exists."""

    def __init__(
        self,
        provider: Provider,
        changes: SyncPlan,
        label: str,
        outcome: Outcome,
        progress: Progress,
        clock: Callable[[], float],
    ) -> None:
        self.provider = provider
        self.changes = changes
        self.label = label
        self.outcome = outcome
        self.progress = progress
        self.issues: dict[str, RemoteIssue] = dict(changes.known_issues)
        self.milestone_numbers: dict[str, int] = dict(changes.known_milestones)
        self.pending: list[Link] = list(changes.links)
        self.creating = {create.issue.key for create in changes.creates}
        self.started = clock()

    def labels(self) -> None:
        for label in self.changes.labels:
            self._retry_unknown(lambda: self.provider.create_label(label.name))  # noqa: B023
            self.outcome.count("labels created")

    def milestones(self) -> None:
        for change in self.changes.milestones:
            if isinstance(change, CreateMilestone):
                made = self._create_milestone(change)
                self.milestone_numbers[change.key] = made.number
                self.outcome.count("milestones created")
            else:
                self.provider.update_milestone(
                    change.number, change.title, change.description, change.due_on
                )
                self.milestone_numbers[change.key] = change.number
                self.outcome.count("milestones updated")

    def creates(self, batch: int, keep_progress: Callable[[], None]) -> None:
        """Make the issues; every `batch` creates, make the relations both of whose ends
        exist and let the caller keep the progress (write references to the plan)."""
        total = len(self.changes.creates)
        for number, create in enumerate(self.changes.creates, 1):
            self.progress(f"create {create.issue.key}", number - 1, total)
            self.issues[create.issue.key] = self._create_issue(create)
            self.outcome.count("issues created")
            if number % batch == 0:
                self.links()
                keep_progress()

    def links(self) -> None:
        """Make each pending relation whose two issues exist; drop those with an end that no
        task of this plan manages."""
        settled: set[int] = set()  # indexes of links made or dropped
        try:
            for index, link in enumerate(self.pending):
                source, target = self.issues.get(link.key), self.issues.get(link.target)
                if source is None or target is None:
                    if not (self._will_exist(link.key) and self._will_exist(link.target)):
                        settled.add(index)
                    continue
                kind = "sub-issue" if link.kind == "sub-issue" else "blocked-by"
                self._retry_unknown(lambda: self._link(kind, source, target))  # noqa: B023
                settled.add(index)
                self.outcome.count("relations added")
        finally:
            # Made relations leave the list even when a later one fails (a rate limit), so
            # their issues' references still reach the plan and no re-run sends them again.
            self.pending = [link for i, link in enumerate(self.pending) if i not in settled]

    def unlinked_owners(self) -> set[str]:
        """Keys whose marker records a relation not made yet: their references must wait."""
        return {_owner(link) for link in self.pending}

    def updates(self) -> None:
        for number, update in enumerate(self.changes.updates):
            self.progress(f"update {update.key}", number, len(self.changes.updates))
            self._update(update)
            self.outcome.count("issues updated")

    def closes(self) -> None:
        for close in self.changes.closes:
            self._comment(close.number, close.comment)
            self.provider.update_issue(close.number, state=RemoteState.SKIPPED, body=close.body)
            self.outcome.count("issues closed (removed from plan)")

    def duplicates(self) -> None:
        for duplicate in self.changes.duplicates:
            keep = self.provider.issue(duplicate.keep)
            if keep is None:
                continue
            # An unknown outcome: the next run sees the issue closed, or closes it then.
            with suppress(OutcomeUnknown):
                self.provider.close_duplicate(duplicate.number, keep, duplicate.comment)
            self.outcome.count("duplicates closed")

    def _create_issue(self, create: CreateIssue) -> RemoteIssue:
        wanted = create.issue
        milestone = self.milestone_numbers.get(wanted.milestone) if wanted.milestone else None
        created = self._create_once(
            lambda: self.provider.create_issue(
                wanted.title, create.body, wanted.labels, milestone, wanted.assignees
            ),
            lambda: self._find_issue(create),
        )
        if create.closing_body is not None:  # one write: the state and the marker saying so
            created = self.provider.update_issue(
                created.number, state=wanted.state, body=create.closing_body
            )
        return created

    def _find_issue(self, create: CreateIssue) -> RemoteIssue | None:
        wanted = m.parse_marker(create.body)
        since = datetime.fromtimestamp(self.started - LOOKBACK, tz=timezone.utc)
        for issue in self.provider.issues_since(self.label, since.isoformat()):
            marker = m.parse_marker(issue.body)
            if marker and wanted and (marker.plan, marker.key) == (wanted.plan, wanted.key):
                return issue
        return None

    def _create_milestone(self, change: CreateMilestone) -> RemoteMilestone:
        return self._create_once(
            lambda: self.provider.create_milestone(change.title, change.description, change.due_on),
            lambda: self.provider.find_milestone_by_title(change.title),
        )

    def _create_once(self, create: Callable[[], T], find: Callable[[], T | None]) -> T:
        """Create; after an unknown outcome, adopt what the lost answer made, else retry."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return create()
            except OutcomeUnknown:
                found = find()
                if found is not None:
                    return found
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    def _retry_unknown(self, write: Callable[[], None]) -> None:
        """A write that is harmless to repeat (it answers "already exists" the second time)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                write()
                return
            except OutcomeUnknown:
                if attempt == ATTEMPTS:
                    raise

    def _comment(self, number: int, text: str) -> None:
        # A comment is not worth a duplicate: after an unknown outcome, go on to the close.
        with suppress(OutcomeUnknown):
            self.provider.comment(number, text)

    def _link(self, kind: str, source: RemoteIssue, target: RemoteIssue) -> None:
        if kind == "sub-issue":
            self.provider.add_sub_issue(source, target)
        else:
            self.provider.add_blocked_by(source, target)

    def _will_exist(self, key: str) -> bool:
        return key in self.issues or key in self.creating

    def _update(self, update: UpdateIssue) -> None:
        number = update.number or self.issues[update.key].number
        milestone = self.milestone_numbers.get(update.milestone) if update.milestone else None
        self.provider.update_issue(
            number,
            title=update.title,
            body=update.body,
            state=update.state,
            labels=update.labels,
            milestone=milestone,
            assignees=update.assignees,
        )


def _owner(link: Link) -> str:
    """The issue whose marker records the relation: the child, or the blocked issue."""
    return link.target if link.kind == "sub-issue" else link.key
