"""Plan + snapshot of the service -> the SyncPlan that brings them in step (pure).

Each managed issue is found by the reference on its plan line, else by the key in its
marker. Fields that sync both ways (title, description, state) go through the
three-way merge; the rest (labels, milestone, details, relations) follow the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from plansync.engine import checklists
from plansync.engine import marker as m
from plansync.engine.changes import (
    CloseDuplicate,
    CloseRemoved,
    Conflict,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    Link,
    Note,
    PlanEdit,
    SyncPlan,
    UpdateIssue,
    UpdateMilestone,
    WriteRef,
)
from plansync.engine.desired import (
    Desired,
    DesiredIssue,
    desired_state,
    ref_number,
    ref_text,
)
from plansync.engine.identity import (
    REMOVED,
    MilestoneIndex,
    labels_for,
    match_issues,
    milestone_for,
)
from plansync.engine.merge import Merged, directed, merge
from plansync.engine.milestones import (
    after_pulls,
    labels_to_create,
    milestone_changes,
    taken_titles,
)
from plansync.engine.policy import Policy
from plansync.engine.pulls import held_back, refusals
from plansync.engine.records import RemoteIssue, RemoteState, Snapshot
from plansync.engine.rekey import rekeyed
from plansync.engine.removed import closes_for_removed
from plansync.engine.updates import adopted_body, assignees_to_ask, change_reasons
from plansync.plan.model import Plan
from plansync.plan.parse import parse_plan
from plansync.plan.write import AddItem, Rename, SetDescription, SetMarker, apply_edits


@dataclass
class _Builder:
    """Collects changes while reconcile walks the plan."""

    plan_path: str
    policy: Policy
    snapshot: Snapshot
    direction: str
    refused: dict[object, str]  # pulls the plan cannot take (see _refusals)
    homeless: set[str] = field(default_factory=set)  # phases whose milestone title is taken
    labels: list[CreateLabel] = field(default_factory=list)
    milestones: list[CreateMilestone | UpdateMilestone] = field(default_factory=list)
    creates: list[CreateIssue] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    updates: list[UpdateIssue] = field(default_factory=list)
    closes: list[CloseRemoved] = field(default_factory=list)
    duplicates: list[CloseDuplicate] = field(default_factory=list)
    plan_edits: list[PlanEdit] = field(default_factory=list)
    refs: list[WriteRef] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def reconcile(
    plan: Plan, plan_path: str, policy: Policy, snapshot: Snapshot, direction: str = "both"
) -> SyncPlan:
    """`direction` "push" changes only the service, "pull" only the plan, "both" both.

    A value pulled from the service that would change the plan's structure (text from the
    service is untrusted) is not pulled: that field becomes a conflict, its base stays,
    and the rest of the sync goes on.
    """
    build, matched, milestones = _walk(plan, plan_path, policy, snapshot, direction, {})
    refused = refusals(plan, build.plan_edits)
    if refused:  # walk again, with those fields held back on both sides
        build, matched, milestones = _walk(plan, plan_path, policy, snapshot, direction, refused)
    return _directed(build, matched, milestones)


def _walk(
    plan: Plan,
    plan_path: str,
    policy: Policy,
    snapshot: Snapshot,
    direction: str,
    refused: dict[object, str],
) -> tuple[_Builder, dict[str, RemoteIssue], dict[str, int]]:
    desired = desired_state(plan, policy.mapping, policy.status_text)
    index = MilestoneIndex(snapshot, plan_path)
    build = _Builder(plan_path, policy, snapshot, direction, refused)
    build.homeless = {note.key for note in taken_titles(index, desired)}
    build.labels.extend(labels_to_create(snapshot, desired))
    milestone_numbers = {
        wanted.key: found.number
        for wanted in desired.milestones
        if (found := index.find(wanted.key, wanted.title))
    }
    matching = match_issues(plan_path, desired, snapshot, policy.trusted_authors)
    matched = matching.matched
    for issue in desired.issues:
        remote = matched.get(issue.key)
        if remote is None:
            _create(build, issue)
        else:
            _update(build, plan, issue, remote, milestone_numbers)
    build.closes.extend(closes_for_removed(plan_path, matched))
    build.duplicates.extend(matching.duplicates)
    build.notes.extend(matching.notes)
    build.notes.extend(Note("", 0, text) for text in desired.notes)
    if policy.mapping.import_issues and direction != "push":
        _import(build, plan, desired, matched, milestone_numbers)
    edits = [change.edit for change in build.plan_edits]
    wanted = after_pulls(plan, desired, edits, policy.mapping)
    build.updates = rekeyed(plan_path, plan, edits, wanted, matched, build.updates)
    build.milestones.extend(milestone_changes(index, plan_path, wanted))
    build.notes.extend(taken_titles(index, wanted))
    return build, matched, milestone_numbers


def _directed(
    build: _Builder, matched: dict[str, RemoteIssue], milestones: dict[str, int]
) -> SyncPlan:
    """The SyncPlan, less what the direction forbids: a pull writes only the plan, a push
    only the service."""
    pull, push = build.direction == "pull", build.direction == "push"
    return SyncPlan(
        labels=() if pull else tuple(build.labels),
        milestones=() if pull else tuple(build.milestones),
        creates=() if pull else tuple(build.creates),
        links=() if pull else tuple(build.links),
        updates=() if pull else tuple(build.updates),
        closes=() if pull else tuple(build.closes),
        duplicates=() if pull else tuple(build.duplicates),
        plan_edits=() if push else tuple(build.plan_edits),
        refs=() if push else tuple(ref for ref in build.refs if not pull or ref.key in matched),
        conflicts=tuple(build.conflicts),
        notes=tuple(build.notes),
        known_issues={k: v for k, v in matched.items() if not k.startswith(REMOVED)},
        known_milestones=milestones,
    )


def _create(build: _Builder, issue: DesiredIssue) -> None:
    """A new issue, its relations, and (once they are made) its reference on the plan line.

    The marker records the relations at once: until the reference is written, the missing
    reference tells a later run to add them again (see _unfinished), and sync writes a
    reference only after its issue's relations are made. Without references
    (issue_ref: off) the marker records them after they are made.
    """
    relations = _relations(issue)
    refs = build.policy.mapping.issue_ref != "off"
    base = m.first_base(
        issue.title, issue.description, RemoteState.OPEN.value, relations if refs else {}
    )
    if issue.entries:
        base["ticks"] = {entry.key: entry.checked for entry in issue.entries}
    if issue.assignees:
        base["assignees"] = sorted(issue.assignees)

    def body(base: dict[str, object]) -> str:
        return m.build_body(
            issue.description, issue.details, m.Marker(build.plan_path, issue.key, base)
        )

    closing = (
        None if issue.state is RemoteState.OPEN else body({**base, "state": issue.state.value})
    )
    build.creates.append(CreateIssue(issue, body(base), closing))
    _links(build, issue, {})
    if relations and not refs:
        final = {**base, "state": issue.state.value, "rel": relations}
        build.updates.append(UpdateIssue(issue.key, 0, body=body(final), why=("relations",)))
    if refs and not issue.derived:
        build.refs.append(WriteRef(issue.key))


def _links(build: _Builder, issue: DesiredIssue, recorded: dict[str, object]) -> None:
    """Add the relations the plan wants and the marker does not record yet."""
    if issue.parent and recorded.get("parent") != issue.parent:
        build.links.append(Link(issue.parent, "sub-issue", issue.key))
    done = recorded.get("blocked_by") or []
    for blocker in issue.blocked_by:
        if blocker not in done:  # type: ignore[operator]
            build.links.append(Link(issue.key, "blocked-by", blocker))


def _relations(issue: DesiredIssue) -> dict[str, object]:
    relations: dict[str, object] = {}
    if issue.parent:
        relations["parent"] = issue.parent
    if issue.blocked_by:
        relations["blocked_by"] = sorted(issue.blocked_by)
    return relations


def _update(
    build: _Builder,
    plan: Plan,
    issue: DesiredIssue,
    remote: RemoteIssue,
    milestones: dict[str, int],
) -> None:
    body = adopted_body(m.split_body(remote.body), issue)
    base = dict(body.marker.base) if body.marker and body.marker.key == issue.key else {}
    policy = build.policy.conflicts
    if issue.entries:
        issue = _ticks(build, issue, remote, body, base)
    text_policy = "plan-wins" if issue.derived else policy.text
    title = merge(issue.title, remote.title, base.get("title"), text_policy, m.title_digest)
    remote_description = body.description if body.description is not None else issue.description
    description = merge(
        issue.description, remote_description, base.get("description"), text_policy, m.digest
    )
    state = merge(
        issue.state.value,
        remote.state.value,
        base.get("state"),
        "plan-wins" if issue.derived else policy.state,
        str,  # a state is its own fingerprint
    )
    title, description, state = (directed(x, build.direction) for x in (title, description, state))
    title = held_back(build.refused, issue.key, "title", title, remote.title)
    description = held_back(
        build.refused, issue.key, "description", description, remote_description
    )
    state = held_back(build.refused, issue.key, "state", state, remote.state.value)
    for name, merged, plan_value, remote_value in (
        ("title", title, issue.title, remote.title),
        ("description", description, issue.description, remote_description),
        ("state", state, issue.state.value, remote.state.value),
    ):
        if merged.conflict:
            reason = build.refused.get((issue.key, name), "")
            conflict = Conflict(issue.key, name, plan_value, remote_value, remote.number, reason)
            build.conflicts.append(conflict)
    _pull(build, plan, issue, title, description, state)
    relations = _relations(issue)
    recorded = base.get("rel") if isinstance(base.get("rel"), dict) else {}
    if _unfinished(build, plan, issue, remote):
        recorded = {}  # made by a run that stopped early: its relations may be missing
    _links(build, issue, recorded)  # type: ignore[arg-type]
    new_base = m.next_base(base, title, description, state, relations)
    assignees = assignees_to_ask(issue, remote, base)
    if issue.assignees:  # what was asked, so that a refused assignee is not asked again
        new_base["assignees"] = sorted(issue.assignees)
    # Unless it is pushed, the issue keeps its own text (the plan may hold it escaped).
    kept = description.value if description.push else remote_description
    new_body = m.build_body(
        kept, issue.details, m.Marker(build.plan_path, issue.key, new_base), body
    )
    update = UpdateIssue(
        issue.key,
        remote.number,
        title=title.value if title.push else None,
        body=None if m.same_normalized(new_body, remote.body) else new_body,
        state=RemoteState(state.value) if state.push else None,
        labels=labels_for(issue, remote),
        milestone=None
        if issue.milestone in build.homeless
        else milestone_for(issue, remote, milestones),
        assignees=assignees,
    )
    why = change_reasons(
        update, description.push, m.normalize(issue.details) != body.details, remote
    )
    if why:
        build.updates.append(replace(update, why=why))
    _ref(build, plan, issue, remote)


def _ticks(
    build: _Builder, issue: DesiredIssue, remote: RemoteIssue, body: m.Body, base: dict[str, object]
) -> DesiredIssue:
    """A tracking issue: boxes ticked in its task list reach the plan, and the other way."""
    issue, ticks = checklists.apply_ticks(
        issue, body.details, base, build.policy.conflicts.state, build.direction
    )
    for entry in ticks.pulls:
        edit = SetMarker(entry.key, "x" if entry.checked else " ")
        build.plan_edits.append(PlanEdit(entry.key, edit, f"ticked in issue #{remote.number}"))
    for entry, tick in ticks.conflicts:
        conflict = Conflict(entry.key, "checkbox", str(entry.checked), str(tick), remote.number)
        build.conflicts.append(conflict)
    return issue


def _pull(
    build: _Builder,
    plan: Plan,
    issue: DesiredIssue,
    title: Merged,
    description: Merged,
    state: Merged,
) -> None:
    if issue.derived:
        return
    if title.pull:
        build.plan_edits.append(PlanEdit(issue.key, Rename(issue.key, title.value), "title"))
    if description.pull:
        edit = SetDescription(issue.key, description.value)
        build.plan_edits.append(PlanEdit(issue.key, edit, "description"))
    if state.pull:
        marker = {"open": " ", "done": "x", "skipped": build.policy.mapping.skipped_marker}[
            state.value
        ]
        build.plan_edits.append(
            PlanEdit(issue.key, SetMarker(issue.key, marker), f"state: {state.value}")
        )


def _unfinished(build: _Builder, plan: Plan, issue: DesiredIssue, remote: RemoteIssue) -> bool:
    """An issue whose task line does not point at it yet was created by a run that did
    not reach its end (references are written last). A push-only run writes no
    references, so it takes the marker's word."""
    if build.policy.mapping.issue_ref == "off" or issue.derived or build.direction == "push":
        return False
    found = plan.find(issue.key)
    return not found or ref_number(found[0].issue_ref) != remote.number


def _ref(build: _Builder, plan: Plan, issue: DesiredIssue, remote: RemoteIssue) -> None:
    if build.policy.mapping.issue_ref == "off" or issue.derived:
        return
    item = plan.item(issue.key)
    if item.issue_ref != ref_text(build.policy.mapping.issue_ref, remote.number, remote.url):
        build.refs.append(WriteRef(issue.key))


def _import(
    build: _Builder,
    plan: Plan,
    desired: Desired,
    matched: dict[str, RemoteIssue],
    milestones: dict[str, int],
) -> None:
    """Issues made on the service with the plan's label join the plan, under their phase."""
    known = {issue.number for issue in matched.values()}  # claimed by a task, or referenced
    known.update(wanted.issue_ref for wanted in desired.issues if wanted.issue_ref)
    phases = {number: key for key, number in milestones.items()}
    fallback = desired.milestones[-1].key if desired.milestones else None
    style = build.policy.mapping.issue_ref
    new = [
        issue
        for issue in build.snapshot.issues
        if issue.number not in known and m.parse_marker(issue.body) is None
    ]
    if not new:
        return
    adds = {
        issue.number: AddItem(
            phases.get(issue.milestone or 0, fallback),
            issue.title,
            _MARKERS[issue.state.value]
            if issue.state.value != "skipped"
            else build.policy.mapping.skipped_marker,
            ref_text("number" if style == "off" else style, issue.number, issue.url),
        )
        for issue in new
    }
    for issue in new:
        if adds[issue.number] in build.refused:
            reason = build.refused[adds[issue.number]]
            text = f"issue #{issue.number} is not imported: {reason}"
            build.notes.append(Note("", issue.number, text))
            del adds[issue.number]
    new = [issue for issue in new if issue.number in adds]
    if not new:
        return
    grown = parse_plan(apply_edits(plan, list(adds.values())), plan.path)
    wanted = {issue.key: issue for issue in desired_state(grown, build.policy.mapping).issues}
    for issue in new:
        item = next(i for i in grown.items if ref_number(i.issue_ref) == issue.number)
        build.plan_edits.append(
            PlanEdit(item.key, adds[issue.number], f"import issue #{issue.number}")
        )
        _update(build, grown, wanted[item.key], issue, milestones)


_MARKERS = {"open": " ", "done": "x"}
