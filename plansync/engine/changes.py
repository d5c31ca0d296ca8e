"""The changes a sync makes: plain values computed by `reconcile`, carried out by `sync`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from plansync.engine.desired import DesiredIssue
from plansync.engine.records import RemoteIssue, RemoteState
from plansync.plan.write import Edit


@dataclass(frozen=True)
class CreateLabel:
    name: str


@dataclass(frozen=True)
class CreateMilestone:
    key: str
    title: str
    description: str  # with its marker
    due_on: str | None = None


@dataclass(frozen=True)
class UpdateMilestone:
    key: str
    number: int
    title: str
    description: str
    due_on: str | None = None


@dataclass(frozen=True)
class CreateIssue:
    """A new issue. Services open issues open, so a task already done or skipped needs a
    second write: `closing_body`, sent with the close, is the body whose marker records the
    closed state. Until that write lands the marker says "open", which is what the service
    holds: a run stopped in between can never read the open issue as a person's reopen."""

    issue: DesiredIssue
    body: str  # with a marker whose base is the plan's values, with the state "open"
    closing_body: str | None = None  # for a task that is not open: sent with the close


@dataclass(frozen=True)
class UpdateIssue:
    """Bring an issue in line; None means "leave this field as it is"."""

    key: str
    number: int  # 0 for an issue this sync creates (resolved by key when applied)
    title: str | None = None
    body: str | None = None
    state: RemoteState | None = None
    labels: tuple[str, ...] | None = None
    milestone: str | None = None  # a milestone key
    assignees: tuple[str, ...] | None = None
    why: tuple[str, ...] = ()  # for people: "title", "description", "state: open -> done"


@dataclass(frozen=True)
class CloseRemoved:
    """The task is gone from the plan: close its issue as not planned, with a comment."""

    key: str
    number: int
    title: str
    comment: str
    body: str  # the marker's base says "skipped", so putting the task back reopens it


@dataclass(frozen=True)
class CloseDuplicate:
    """Two issues carry the same task (two runs raced): close the one not kept."""

    key: str
    number: int  # the duplicate, closed
    keep: int  # the issue the task keeps
    comment: str


@dataclass(frozen=True)
class Note:
    """Something a person should know that changes nothing (an issue ignored, say)."""

    key: str
    number: int
    text: str


@dataclass(frozen=True)
class Link:
    key: str  # the issue that gets the relation
    kind: str  # "sub-issue" (key is the parent) or "blocked-by"
    target: str  # the other issue's key


@dataclass(frozen=True)
class PlanEdit:
    key: str
    edit: Edit
    why: str


@dataclass(frozen=True)
class WriteRef:
    """After the sync, point the task's line at its issue (number known then)."""

    key: str


@dataclass(frozen=True)
class Conflict:
    key: str
    field: str
    plan_value: str
    remote_value: str
    number: int
    reason: str = ""  # why the plan could not take the service's value, when it was not


@dataclass(frozen=True)
class SyncPlan:
    labels: tuple[CreateLabel, ...] = ()
    milestones: tuple[CreateMilestone | UpdateMilestone, ...] = ()
    creates: tuple[CreateIssue, ...] = ()
    links: tuple[Link, ...] = ()
    updates: tuple[UpdateIssue, ...] = ()
    closes: tuple[CloseRemoved, ...] = ()
    duplicates: tuple[CloseDuplicate, ...] = ()
    plan_edits: tuple[PlanEdit, ...] = ()
    refs: tuple[WriteRef, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[Note, ...] = ()
    # what already exists, by key, so that applying needs no further reads
    known_issues: Mapping[str, RemoteIssue] = field(default_factory=dict)
    known_milestones: Mapping[str, int] = field(default_factory=dict)

    @property
    def remote_writes(self) -> int:
        return (
            len(self.labels)
            + len(self.milestones)
            + len(self.creates)
            + len(self.links)
            + len(self.updates)
            + len(self.closes)
            + len(self.duplicates)
        )

    @property
    def in_sync(self) -> bool:
        return not (self.remote_writes or self.plan_edits or self.refs or self.conflicts)
