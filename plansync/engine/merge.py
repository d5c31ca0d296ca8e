"""The three-way merge of one field: plan, service and the base they last agreed on (pure)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Merged:
    value: str  # what both sides should hold after the sync
    push: bool  # the service must change
    pull: bool  # the plan must change
    conflict: bool  # both changed and the policy says "fail": nobody changes
    base: str | None  # the new base (a fingerprint), None to keep the old one


def directed(merged: Merged, direction: str) -> Merged:
    """A one-way sync ("push" or "pull") leaves the other side's change, and its base, alone."""
    if (direction == "push" and merged.pull) or (direction == "pull" and merged.push):
        return Merged(merged.value, False, False, False, None)
    return merged


def merge(plan: str, remote: str, base: str | None, policy: str, fingerprint) -> Merged:  # type: ignore[no-untyped-def]
    """Decide one field. `fingerprint` maps a value to what the base stores (a hash).

    With no base (an issue plansync has not synced yet) the plan is the source.
    """
    # Each side is fingerprinted once (a hash of the canonical text, per field of every
    # task): equal texts, the usual case, need one.
    ours = fingerprint(plan)
    theirs = ours if remote == plan else fingerprint(remote)
    if ours == theirs:
        return Merged(plan, False, False, False, ours)
    plan_changed = base is None or ours != base
    remote_changed = base is not None and theirs != base
    if plan_changed and remote_changed:
        if policy == "plan-wins":
            return Merged(plan, True, False, False, ours)
        if policy == "remote-wins":
            return Merged(remote, False, True, False, theirs)
        return Merged(remote, False, False, True, None)
    if plan_changed:
        return Merged(plan, True, False, False, ours)
    return Merged(remote, False, True, False, theirs)
