"""Plan + mapping -> the issues and milestones the plan asks for (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from plansync.engine.checklists import Entry, render
from plansync.engine.policy import Mapping_
from plansync.engine.records import RemoteState
from plansync.plan.fields import slugify
from plansync.plan.model import Category, Item, Plan, Section, State
from plansync.plan.validate import SUB_ISSUE_LEVELS


@dataclass(frozen=True)
class DesiredMilestone:
    key: str  # the section's key ("Phase 2")
    title: str
    description: str
    due_on: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class DesiredIssue:
    key: str
    title: str
    description: str  # synced both ways with the managed part of the body
    details: str  # written from the plan only
    state: RemoteState
    labels: tuple[str, ...]
    milestone: str | None  # a DesiredMilestone key
    assignees: tuple[str, ...] = ()
    parent: str | None = None  # key of the parent issue (sub-issue)
    blocked_by: tuple[str, ...] = ()  # keys
    issue_ref: int | None = None  # the number the plan line refers to
    derived: bool = False  # a tracking issue: its title, body and state follow the plan
    entries: tuple[Entry, ...] = ()  # a tracking issue's task list, ticked on either side


@dataclass(frozen=True)
class Desired:
    issues: tuple[DesiredIssue, ...]
    milestones: tuple[DesiredMilestone, ...]
    labels: tuple[str, ...]
    notes: tuple[str, ...] = ()  # what the service cannot hold as the plan has it, and why


STATE_OF_PLAN = {
    State.OPEN: RemoteState.OPEN,
    State.IN_PROGRESS: RemoteState.OPEN,
    State.UNKNOWN: RemoteState.OPEN,
    State.DONE: RemoteState.DONE,
    State.SKIPPED: RemoteState.SKIPPED,
}


def desired_state(plan: Plan, mapping: Mapping_, status_text: str | None = None) -> Desired:
    """The issues and milestones `plan` asks for; with `status_text`, also the status issue."""
    sections = {section.key: section for section in plan.sections}
    synced = [item for item in plan.items if _is_issue(item, mapping)]
    keys = {item.key for item in synced}
    milestones: dict[str, DesiredMilestone] = {}
    by_title: dict[str, Section] = {}  # milestone titles are unique on the service
    issues: list[DesiredIssue] = []
    for item in synced:
        phase = _phase_of(item, sections)
        if phase is not None:
            phase = by_title.setdefault(phase.title.lower(), phase)
            milestones.setdefault(
                phase.key,
                DesiredMilestone(phase.key, mapping.milestone_prefix + phase.title, "", phase.due),
            )
        issues.append(_issue(item, mapping, phase, keys))
    notes: tuple[str, ...] = ()
    if mapping.nested == "task-list":
        issues = _with_task_lists(plan, issues)
    else:
        issues, notes = _flatten_deep(issues)
    if mapping.checklists == "tracking":
        issues.extend(_tracking_issues(plan, mapping, sections))
    gates = [item for item in plan.items if item.category is Category.QUALITY_GATE]
    milestones = {
        key: replace(m, description=_milestone_description(gates, sections[key]))
        for key, m in milestones.items()
    }
    if status_text is not None:
        issues.append(status_issue(plan, status_text, mapping))
    labels = sorted({label for issue in issues for label in issue.labels})
    return Desired(tuple(issues), tuple(milestones.values()), tuple(labels), notes)


def _is_issue(item: Item, mapping: Mapping_) -> bool:
    if item.commented:
        return False
    return item.kind.value == "task" or mapping.checklists == "issues"


def _phase_of(item: Item, sections: dict[str, Section]) -> Section | None:
    """The nearest phase heading above the item, else its own section; None (no milestone)
    for a section that says `**Milestone:** none`, as `plansync import` writes it."""
    key = item.section
    found = sections[item.section] if item.section else None
    while key is not None:
        section = sections[key]
        if section.is_phase:
            found = section
            break
        key = section.parent
    if found is not None and found.fields.get("milestone", "").strip().lower() == "none":
        return None
    return found


def _issue(item: Item, mapping: Mapping_, phase: Section | None, keys: set[str]) -> DesiredIssue:
    return DesiredIssue(
        key=item.key,
        title=item.title or item.key,
        description=item.description,
        details=render_details(item),
        state=STATE_OF_PLAN[item.state],
        labels=labels_for(item, mapping),
        milestone=phase.key if phase else None,
        assignees=(mapping.users[item.owner],)
        if item.owner and item.owner in mapping.users
        else (),
        parent=item.parent if item.parent in keys and mapping.nested == "sub-issues" else None,
        blocked_by=tuple(d for d in item.dependencies if d in keys and d != item.key),
        issue_ref=ref_number(item.issue_ref),
    )


def _with_task_lists(plan: Plan, issues: list[DesiredIssue]) -> list[DesiredIssue]:
    """Nested tasks listed in their parent's body instead of linked as sub-issues."""
    by_parent: dict[str, list[Item]] = {}
    for item in plan.items:
        if item.parent is not None:
            by_parent.setdefault(item.parent, []).append(item)
    result = []
    for issue in issues:
        children = by_parent.get(issue.key, [])
        if children:
            lines = [f"- [{'x' if c.checked else ' '}] {c.title} ({c.key})" for c in children]
            extra = "**Sub-tasks:**\n\n" + "\n".join(lines)
            issue = replace(issue, details=f"{issue.details}\n\n{extra}".strip())
        result.append(issue)
    return result


_MAX_LISTED = 100


def _flatten_deep(issues: list[DesiredIssue]) -> tuple[list[DesiredIssue], tuple[str, ...]]:
    """Sub-issues nest at most SUB_ISSUE_LEVELS deep: a deeper task keeps its own issue
    but is not linked; its ancestor at the last level lists it and those below it, in
    plan order, as a task list in its details instead (at most _MAX_LISTED of them)."""
    level: dict[str, int] = {}
    anchor: dict[str, str] = {}  # a too-deep task -> its ancestor at the last level
    listed: dict[str, list[str]] = {}
    flat: dict[str, DesiredIssue] = {}
    for issue in issues:  # in plan order: a parent comes before its children
        depth = level[issue.parent] + 1 if issue.parent in level else 1
        level[issue.key] = depth
        if depth <= SUB_ISSUE_LEVELS or issue.parent is None:
            continue
        top = anchor.get(issue.parent, issue.parent)
        anchor[issue.key] = top
        box = "x" if issue.state is RemoteState.DONE else " "
        listed.setdefault(top, []).append(f"- [{box}] {issue.title} ({issue.key})")
        flat[issue.key] = replace(issue, parent=None)
    if not flat:
        return issues, ()
    result = []
    for issue in issues:
        issue = flat.get(issue.key, issue)
        if issue.key in listed:
            heading = f"**Nested deeper than {SUB_ISSUE_LEVELS} levels:**"
            lines = listed[issue.key]
            if len(lines) > _MAX_LISTED:  # an issue body holds at most 65,536 characters
                lines = [*lines[:_MAX_LISTED], f"- ... and {len(lines) - _MAX_LISTED} more"]
            extra = heading + "\n\n" + "\n".join(lines)
            issue = replace(issue, details=f"{issue.details}\n\n{extra}".strip())
        result.append(issue)
    count = len(flat)
    tasks = "1 task is" if count == 1 else f"{count} tasks are"
    note = (
        f"{tasks} nested deeper than the {SUB_ISSUE_LEVELS} levels of sub-issues the service "
        f"allows: listed in their level-{SUB_ISSUE_LEVELS} parent's body, not linked"
    )
    return result, (note,)


def labels_for(item: Item, mapping: Mapping_) -> tuple[str, ...]:
    labels = [mapping.label] if mapping.label else []
    if "priority" in mapping.extra_labels and item.priority:
        labels.append(f"priority: {item.priority.strip().lower()}")
    if "effort" in mapping.extra_labels and item.effort:
        labels.append(f"effort: {item.effort.strip().lower()}")
    if "kind" in mapping.extra_labels and item.category is not Category.TASK:
        labels.append(f"kind: {item.category.value.replace('_', '-')}")
    return tuple(dict.fromkeys(label[:50] for label in labels))


def ref_text(style: str, number: int, url: str) -> str:
    """What a task line says of its issue: "#42", or a markdown link (`issue_ref: link`)."""
    return f"[#{number}]({url})" if style == "link" and url else f"#{number}"


def ref_number(ref: str | None) -> int | None:
    """42 from "#42", "[#42](url)" or "group/project#42"."""
    if not ref or "#" not in ref:
        return None
    digits = ref.split("#", 1)[1].split("]", 1)[0]
    return int(digits) if digits.isdigit() else None


def render_details(item: Item) -> str:
    """The plan's metadata as readable markdown, for the issue body."""
    rows = [
        ("Plan key", item.key),
        ("Requirements", ", ".join(item.requirements)),
        ("Effort", item.effort or ""),
        ("Priority", item.priority or ""),
        ("Owner", item.owner or ""),
        ("Depends on", ", ".join(item.dependencies + item.loose_dependencies)),
        ("Required for", ", ".join(item.blocks)),
        ("Due", item.dates.get("due", "")),
        ("Timeline", item.fields.get("timeline", "")),
        ("Mitigation", item.fields.get("mitigation task", item.fields.get("mitigation", ""))),
    ]
    return "\n".join(f"- **{name}:** {value}" for name, value in rows if value)


STATUS_KEY = "status/plan"  # no task's key: keys never hold a slash, but these


def status_issue(plan: Plan, text: str, mapping: Mapping_) -> DesiredIssue:
    """The issue that shows the plan's progress and picture (`mapping.status_issue`)."""
    return DesiredIssue(
        key=STATUS_KEY,
        title=f"Plan status: {plan.title or plan.path or 'the plan'}",
        description="",
        details=text,
        state=RemoteState.OPEN,
        labels=(mapping.label,) if mapping.label else (),
        milestone=None,
        derived=True,
    )


def _tracking_issues(
    plan: Plan, mapping: Mapping_, sections: dict[str, Section]
) -> list[DesiredIssue]:
    """One issue per checklist section, whose body lists its entries as a task list."""
    by_section: dict[str, list[Item]] = {}
    for item in plan.items:
        if item.kind.value == "checklist" and item.section and not item.commented:
            by_section.setdefault(item.section, []).append(item)
    issues = []
    for key, items in by_section.items():
        section = sections[key]
        entries = tuple(Entry(i.key, i.title + _owner(i), i.checked) for i in items)
        done = all(i.checked for i in items)
        issues.append(
            DesiredIssue(
                key=f"checklist/{slugify(key)}",
                title=section.title,
                description="",
                details=render(entries),
                state=RemoteState.DONE if done else RemoteState.OPEN,
                labels=_tracking_labels(items[0], mapping),
                milestone=None,
                derived=True,
                entries=entries,
            )
        )
    return issues


def _tracking_labels(item: Item, mapping: Mapping_) -> tuple[str, ...]:
    labels = [mapping.label] if mapping.label else []
    if "kind" in mapping.extra_labels:
        labels.append(f"kind: {item.category.value.replace('_', '-')}")
    return tuple(labels)


def _owner(item: Item) -> str:
    return f" (owner: {item.owner})" if item.owner else ""


def _milestone_description(gates: list[Item], phase: Section) -> str:
    """The phase's completion criteria (among the plan's quality gates `gates`, found once
    per plan, not once per phase), when the plan has a section for them."""
    prefix = slugify(phase.key) + "-"
    criteria = [item for item in gates if (item.section or "").startswith(prefix)]
    if not criteria:
        return ""
    lines = [f"- [{'x' if i.checked else ' '}] {i.title}" for i in criteria]
    return "Completion criteria:\n\n" + "\n".join(lines)
