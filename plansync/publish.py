"""Committing a synced plan back to its repository through the service's API (the GitHub
contents API, GitLab's repository files API), for runs in CI that have no git push.

The write names the version it replaces. When the plan changed on the branch since the run
read it (a person pushed meanwhile), the run's own edits are made again on the newer text,
item by item; an item the person changed too keeps the person's version. A person's commit
is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from plansync.errors import PlanEditError, PlansyncError
from plansync.files import read_text, write_text_atomic
from plansync.plan import parse_plan
from plansync.plan.model import Item, Plan
from plansync.plan.write import AddItem, Edit, apply_edits
from plansync.providers.base import FileConflict, Provider
from plansync.transport.errors import OutcomeUnknown

ATTEMPTS = 4
TRAILER = "Plansync-Run"  # in the commit message: runs that see it know the commit is theirs


@dataclass(frozen=True)
class Published:
    committed: bool  # a commit was made
    version: str | None  # the file's new version (sha / commit id) when committed
    dropped: tuple[str, ...] = ()  # keys whose edit gave way to a person's newer change


def commit_message(plan_path: str, run_id: str) -> str:
    return f"plansync: update {plan_path}\n\n{TRAILER}: {run_id}\n"


def publish(
    provider: Provider,
    local_path: str,
    repo_path: str,
    base_text: str,
    branch: str | None,
    message: str,
    edits: list[Edit],
) -> Published:
    """Commit `local_path` as `repo_path` on `branch` if this run changed it.

    `base_text` is the plan as the run first read it and `edits` what the run did to it.
    """
    dropped: list[str] = []
    tried = False  # a write was sent whose answer did not say it landed
    for _ in range(ATTEMPTS):
        remote = provider.read_file(repo_path, branch)
        if remote is None:
            raise PlansyncError(
                f"{repo_path} is not on the branch {branch or '(default)'}",
                "commit the plan file first; plansync updates it, it does not add it",
            )
        remote_text, version = remote
        if remote_text == read_text(local_path):  # nothing to do, or our lost write landed
            return Published(tried, version if tried else None, tuple(dropped))
        if remote_text != base_text:  # changed on the branch since this run read it
            merged, lost = rebase(base_text, remote_text, edits, local_path)
            write_text_atomic(local_path, merged)
            dropped += lost
            base_text = remote_text
            if merged == remote_text:
                return Published(False, None, tuple(dropped))
        try:
            new_version = provider.write_file(
                repo_path, read_text(local_path), version, message, branch
            )
        except (FileConflict, OutcomeUnknown):
            tried = True  # someone wrote first, or the answer was lost: read again
            continue
        return Published(True, new_version, tuple(dropped))
    raise PlansyncError(
        f"{repo_path} kept changing on the branch while plansync tried to commit it",
        "run again; nothing was overwritten",
    )


def rebase(base: str, theirs: str, edits: list[Edit], path: str) -> tuple[str, list[str]]:
    """`theirs` with the `edits` made on `base` made again, except on items that `theirs`
    changed too (those keep the person's text; their keys are returned)."""
    before, after = parse_plan(base, path), parse_plan(theirs, path)
    kept: list[Edit] = []
    dropped: list[str] = []
    for edit in edits:
        if isinstance(edit, AddItem) or _unchanged(before, after, edit.key):
            kept.append(edit)
        else:
            dropped.append(edit.key)
    try:
        return apply_edits(after, kept), dropped
    except PlanEditError:  # two edits now overlap: keep the person's text whole
        return theirs, [e.key for e in edits if not isinstance(e, AddItem)]


def _unchanged(before: Plan, after: Plan, key: str) -> bool:
    old, new = before.find(key), after.find(key)
    return len(old) == 1 and len(new) == 1 and _content(old[0]) == _content(new[0])


def _content(item: Item) -> tuple[object, ...]:
    return (item.title, item.marker, item.issue_ref, item.description, item.parent)
