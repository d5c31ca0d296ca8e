"""Committing a synced plan back to its repository through the service's API (the GitHub
contents API, GitLab's repository files API), for runs in CI that have no git push; or, in
pull-request mode, proposing it as a pull / merge request from one branch per plan.

The write names the version it replaces. When the plan changed on the branch since the run
read it (a person pushed meanwhile), the run's own edits are made again on the newer text,
item by item; an item the person changed too keeps the person's version. A person's commit
is never overwritten. In pull-request mode a run starts from the open proposal's plan (its
issues already agree with it), with the base branch's newer commits carried in the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from plansync.errors import PlanEditError, PlansyncError
from plansync.files import read_text, write_text_atomic
from plansync.plan import parse_plan
from plansync.plan.model import Item, Plan
from plansync.plan.write import (
    AddItem,
    Edit,
    Rename,
    SetDescription,
    SetIssueRef,
    SetMarker,
    apply_edits,
)
from plansync.providers.base import FileConflict, Provider
from plansync.transport.errors import OutcomeUnknown

ATTEMPTS = 4
TRAILER = "Plansync-Run"  # in the commit message: runs that see it know the commit is theirs
CONTENTS, PULL_REQUEST = "contents", "pull-request"
MODES = (CONTENTS, PULL_REQUEST)
_FORK = re.compile(r"<!-- plansync-proposal (\{.*?\}) -->")


@dataclass(frozen=True)
class Published:
    committed: bool  # a commit was made (on the branch, or on the proposal's head branch)
    version: str | None  # the file's new version (sha / commit id) when committed
    dropped: tuple[str, ...] = ()  # keys whose edit gave way to a person's newer change
    mode: str = CONTENTS  # CONTENTS: committed to the branch; PULL_REQUEST: proposed
    url: str | None = None  # the pull / merge request that proposes the plan (PULL_REQUEST)


@dataclass(frozen=True)
class Start:
    """Where a pull-request-mode run starts: the base branch's plan (the proposal is built on
    it) and, when one is open, the proposal's address and plan."""

    base_text: str
    base_version: str
    url: str | None = None
    head_text: str | None = None


def commit_message(plan_path: str, run_id: str) -> str:
    return f"plansync: update {plan_path}\n\n{TRAILER}: {run_id}\n"


def head_branch(repo_path: str) -> str:
    """The branch that proposes a plan's changes: one per plan file."""
    return "plansync/" + (re.sub(r"[^a-z0-9]+", "-", repo_path.lower()).strip("-") or "plan")


def publish(
    provider: Provider,
    local_path: str,
    repo_path: str,
    base_text: str,
    branch: str | None,
    message: str,
    edits: list[Edit],
    mode: str = CONTENTS,
    start: Start | None = None,
) -> Published:
    """Commit `local_path` as `repo_path` on `branch` if this run changed it, or in
    PULL_REQUEST mode propose it (`start`, from `prepare`, is where the run began).

    `base_text` is the plan as the run first read it and `edits` what the run did to it.
    """
    if mode == PULL_REQUEST:
        assert start is not None, "pull-request mode starts with prepare()"
        return _propose(provider, local_path, repo_path, branch, message, start)
    dropped: list[str] = []
    tried = False  # a write was sent whose answer did not say it landed
    for _ in range(ATTEMPTS):
        remote = provider.read_file(repo_path, branch)
        if remote is None:
            raise _not_on_branch(repo_path, branch)
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


def prepare(provider: Provider, local_path: str, repo_path: str, branch: str | None) -> Start:
    """Put in `local_path` the plan a pull-request-mode run starts from: the open proposal's
    plan, with the base branch's commits since it was proposed made again on it, else the
    base branch's newest plan. Syncing the base branch's plan while a proposal is open would
    read the ticks still waiting for review as a person's edits, and undo them."""
    found = provider.read_file(repo_path, branch)
    if found is None:
        raise _not_on_branch(repo_path, branch)
    base_text, base_version = found
    head = head_branch(repo_path)
    proposal = provider.find_proposal(head, branch)
    head_found = provider.read_file(repo_path, head) if proposal is not None else None
    if proposal is None or head_found is None:
        write_text_atomic(local_path, base_text)
        return Start(base_text, base_version)
    head_text, fork = head_found[0], _fork_version(proposal.body)
    text = head_text
    if fork != base_version:  # the base branch moved on since the proposal was made
        text = _carry(provider, repo_path, fork, base_text, head_text)
    write_text_atomic(local_path, text)
    return Start(base_text, base_version, proposal.url, head_text)


def proposal_body(repo_path: str, base_version: str) -> str:
    """The pull / merge request's description; the hidden line records the version of the
    base branch's plan the proposal is built on (the next run merges newer commits from it)."""
    fork = json.dumps({"plan": repo_path, "base": base_version})
    return (
        f"plansync keeps `{repo_path}` in step with the issues. This proposes the plan edits "
        "that come from the issues (ticked boxes, issue references, pulled titles and "
        "descriptions); later runs update this same branch until it is merged.\n\n"
        f"<!-- plansync-proposal {fork} -->\n"
    )


def _propose(
    provider: Provider,
    local_path: str,
    repo_path: str,
    branch: str | None,
    message: str,
    start: Start,
) -> Published:
    text = read_text(local_path)
    if text == start.base_text or (text == start.head_text and start.url is not None):
        return Published(False, None, (), PULL_REQUEST, start.url)  # nothing new to propose
    title = f"plansync: update {repo_path}"
    body = proposal_body(repo_path, start.base_version)
    head = head_branch(repo_path)
    url = provider.propose_file(repo_path, text, branch, head, title, body, message)
    return Published(True, None, (), PULL_REQUEST, url)


def _fork_version(body: str) -> str | None:
    match = _FORK.search(body)
    try:
        data = json.loads(match.group(1)) if match else None
    except ValueError:
        return None
    return str(data["base"]) if isinstance(data, dict) and data.get("base") else None


def _carry(
    provider: Provider, repo_path: str, fork: str | None, base_text: str, head_text: str
) -> str:
    """The base branch's plan with the proposal's edits (those since `fork`, the version it
    was built on) made again on it; items a person changed on the base branch keep theirs."""
    fork_text = provider.read_version(repo_path, fork) if fork else None
    edits = edits_between(fork_text, head_text, repo_path) if fork_text is not None else None
    if fork_text is None or edits is None:
        raise PlansyncError(
            f"{repo_path} changed on the base branch while plansync's proposal "
            f"({head_branch(repo_path)}) was open, and plansync cannot merge the two",
            "merge or close the pull request, then run again",
        )
    merged, _ = rebase(fork_text, base_text, edits, repo_path)
    return merged


def edits_between(old_text: str, new_text: str, path: str) -> list[Edit] | None:
    """The item edits that turn `old_text` into `new_text`, or None when more changed than
    edits can say (items added, removed or moved, or other text)."""
    old, new = parse_plan(old_text, path), parse_plan(new_text, path)
    if [i.key for i in old.items] != [i.key for i in new.items]:
        return None
    edits: list[Edit] = []
    for before, after in zip(old.items, new.items, strict=True):
        if after.marker != before.marker:
            edits.append(SetMarker(after.key, after.marker))
        if after.title != before.title:
            edits.append(Rename(after.key, after.title))
        if after.issue_ref != before.issue_ref:
            edits.append(SetIssueRef(after.key, after.issue_ref))
        if after.description != before.description:
            edits.append(SetDescription(after.key, after.description))
    try:
        remade = apply_edits(old, edits)
    except PlanEditError:
        return None
    if remade == new_text:
        return edits
    # Not byte for byte (escapes may differ): every item must still read back the same, and
    # the text around the items (headings, paragraphs) must be the same.
    again = parse_plan(remade, path)
    same_items = [_content(i) for i in again.items] == [_content(i) for i in new.items]
    return edits if same_items and _frame(again) == _frame(new) else None


def _frame(plan: Plan) -> str:
    """The plan's text without its items' lines and descriptions (what edits can change)."""
    cuts = []
    for item in plan.items:
        if item.anchors is not None:
            cuts.append((item.anchors.marker.start, item.anchors.line_end))
            cuts.append((item.anchors.description.start, item.anchors.description.end))
    pieces, at = [], 0
    for start, end in sorted(cuts):
        pieces.append(plan.text[at : max(at, start)])
        at = max(at, end)
    return "".join(pieces) + plan.text[at:]


def _not_on_branch(repo_path: str, branch: str | None) -> PlansyncError:
    return PlansyncError(
        f"{repo_path} is not on the branch {branch or '(default)'}",
        "commit the plan file first; plansync updates it, it does not add it",
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
