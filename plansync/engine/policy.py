"""The rules a sync follows, as plain values: how items map to issues, who wins a conflict,
whose issues count. Front ends build them from settings; the engine only reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mapping_:
    """How plan items become issues (the defaults fit the team template)."""

    label: str = "plan"  # every managed issue carries it
    extra_labels: tuple[str, ...] = ("priority", "kind")  # also "effort"
    checklists: str = "tracking"  # "issues": one issue each; "tracking": one per section; "off"
    nested: str = "sub-issues"  # GitHub sub-issues / GitLab links; or "task-list"
    issue_ref: str = "number"  # "number" writes " (#42)", "link" a markdown link, "off" nothing
    skipped_marker: str = "~"  # written when an issue is closed as not planned
    users: Mapping[str, str] = field(default_factory=dict)  # plan owner -> service username
    import_issues: bool = False  # add labelled issues made on the service to the plan
    milestone_prefix: str = ""  # before each milestone title: tells several plans' apart
    status_issue: bool = False  # keep an issue with the plan's progress and picture current


@dataclass(frozen=True)
class Conflicts:
    text: str = "fail"  # titles and descriptions
    state: str = "remote-wins"  # open / done / skipped


@dataclass(frozen=True)
class Policy:
    """Everything `reconcile` needs besides the plan and the snapshot."""

    mapping: Mapping_ = field(default_factory=Mapping_)
    conflicts: Conflicts = field(default_factory=Conflicts)
    # Logins whose marked issues may be adopted; None trusts every author (no account known).
    trusted_authors: frozenset[str] | None = None
    # The body of the status issue (progress and picture, rendered by the shell), if kept.
    status_text: str | None = None
