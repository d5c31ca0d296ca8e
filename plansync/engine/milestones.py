"""The labels and milestones a plan asks for, against what the service has (pure)."""

from __future__ import annotations

from plansync.engine import marker as m
from plansync.engine.changes import CreateLabel, CreateMilestone, Note, UpdateMilestone
from plansync.engine.desired import Desired, desired_state
from plansync.engine.identity import MilestoneIndex
from plansync.engine.policy import Mapping_
from plansync.engine.records import Snapshot
from plansync.plan.model import Plan
from plansync.plan.parse import parse_plan
from plansync.plan.structure import apply_pulled_edits
from plansync.plan.write import Edit


def labels_to_create(snapshot: Snapshot, desired: Desired) -> list[CreateLabel]:
    existing = {label.lower() for label in snapshot.labels}
    return [CreateLabel(label) for label in desired.labels if label.lower() not in existing]


def after_pulls(plan: Plan, desired: Desired, edits: list[Edit], mapping: Mapping_) -> Desired:
    """What the plan asks for once this sync's own edits are in it (a milestone lists
    its phase's completion criteria, which a tick pulled from an issue may change)."""
    if not edits:
        return desired
    text, _ = apply_pulled_edits(plan, edits)  # only the edits the plan can take
    return desired_state(parse_plan(text, plan.path), mapping)


def milestone_changes(
    index: MilestoneIndex, plan_path: str, desired: Desired
) -> list[CreateMilestone | UpdateMilestone]:
    """Create or update one milestone per phase."""
    changes: list[CreateMilestone | UpdateMilestone] = []
    for wanted in desired.milestones:
        marker = m.Marker(plan_path, wanted.key).render()
        description = f"{wanted.description}\n\n{marker}".strip()
        found = index.find(wanted.key, wanted.title)
        if found is None and wanted.title in index.claimed:
            continue  # another plan's milestone: see taken_titles
        if found is None:
            changes.append(CreateMilestone(wanted.key, wanted.title, description, wanted.due_on))
        elif (
            found.title != wanted.title
            or not m.same(found.description, description)
            or (wanted.due_on is not None and found.due_on != wanted.due_on)
        ):
            changes.append(
                UpdateMilestone(wanted.key, found.number, wanted.title, description, wanted.due_on)
            )
    return changes


def taken_titles(index: MilestoneIndex, desired: Desired) -> list[Note]:
    """Phases whose milestone title another plan already uses: they get no milestone."""
    return [
        Note(
            wanted.key,
            0,
            f"the milestone {wanted.title!r} belongs to {index.claimed[wanted.title]}: this "
            "phase gets none (set mapping.milestone_prefix to tell the plans' milestones apart)",
        )
        for wanted in desired.milestones
        if index.find(wanted.key, wanted.title) is None and wanted.title in index.claimed
    ]
