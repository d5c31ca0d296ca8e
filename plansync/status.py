"""Per-phase progress of a plan as data, and its three renderings: terminal, JSON, markdown.

Pure: the plan (and, when the service was reachable, each task's issue state) in, text out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from plansync.engine.records import RemoteState
from plansync.picture import NodeState, PictureOptions, groups, markdown_block, node_states
from plansync.plan.model import Plan


@dataclass(frozen=True)
class PhaseProgress:
    """Counts for one phase; done + in_progress + blocked + open + skipped == total."""

    key: str
    title: str
    total: int
    done: int
    in_progress: int
    blocked: int
    open: int  # not started and not blocked
    skipped: int
    open_issues: int | None = None  # None when the service's state is not known

    @property
    def fraction(self) -> float:
        """Done over the tasks that still count (skipped ones do not)."""
        counted = self.total - self.skipped
        return 1.0 if counted == 0 else self.done / counted


@dataclass(frozen=True)
class Progress:
    plan: str
    phases: tuple[PhaseProgress, ...]
    total: PhaseProgress


def progress(
    plan: Plan, remote: Mapping[str, RemoteState] | None = None, name: str | None = None
) -> Progress:
    """Count the plan's tasks per phase. `remote` maps task keys to their issues' states."""
    states = node_states(plan, remote)
    phases = []
    for group in groups(plan):
        keys = [task.key for task in group.tasks]
        phases.append(_count(group.key, group.title, keys, states, remote))
    every = [key for group in groups(plan) for key in (t.key for t in group.tasks)]
    total = _count("", "Total", every, states, remote)
    return Progress(name or plan.path or plan.title, tuple(phases), total)


def _count(
    key: str,
    title: str,
    keys: list[str],
    states: Mapping[str, NodeState],
    remote: Mapping[str, RemoteState] | None,
) -> PhaseProgress:
    tally = {state: 0 for state in NodeState}
    for task in keys:
        tally[states[task]] += 1
    open_issues = None
    if remote is not None:
        open_issues = sum(1 for task in keys if remote.get(task) is RemoteState.OPEN)
    return PhaseProgress(
        key=key,
        title=title,
        total=len(keys),
        done=tally[NodeState.DONE],
        in_progress=tally[NodeState.IN_PROGRESS],
        blocked=tally[NodeState.BLOCKED],
        open=tally[NodeState.OPEN],
        skipped=tally[NodeState.SKIPPED],
        open_issues=open_issues,
    )


def as_json(report: Progress) -> dict[str, object]:
    """One shape whatever the plan: {"plan", "total": {...}, "phases": [{...}, ...]}."""

    def one(phase: PhaseProgress) -> dict[str, object]:
        data: dict[str, object] = asdict(phase)
        data["percent"] = round(phase.fraction * 100)
        return data

    return {
        "plan": report.plan,
        "total": one(report.total),
        "phases": [one(phase) for phase in report.phases],
    }


def bar(fraction: float, width: int = 20, ascii_only: bool = False) -> str:
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    filled = round(fraction * width)
    return full * filled + empty * (width - filled)


def render_text(report: Progress, width: int = 20, ascii_only: bool = False) -> str:
    """A line per phase with a bar, then the totals; for a terminal."""
    total = report.total
    lines = [
        f"{report.plan}: {total.done}/{total.total} tasks done "
        f"({round(total.fraction * 100)}%)" + _details(total)
    ]
    name_width = min(max((len(p.title) for p in report.phases), default=0), 48)
    for phase in report.phases:
        title = _clip(phase.title, name_width).ljust(name_width)
        counts = f"{phase.done}/{phase.total}".rjust(7)
        lines.append(
            f"  {title}  {bar(phase.fraction, width, ascii_only)} {counts}" + _details(phase)
        )
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _details(phase: PhaseProgress) -> str:
    parts = [
        f"{count} {name}"
        for count, name in (
            (phase.in_progress, "in progress"),
            (phase.blocked, "blocked"),
            (phase.open, "open"),
            (phase.skipped, "skipped"),
        )
        if count
    ]
    if phase.open_issues is not None:
        parts.append(f"{phase.open_issues} open issues")
    return "  " + ", ".join(parts) if parts else ""


def render_markdown(
    plan: Plan,
    report: Progress,
    remote: Mapping[str, RemoteState] | None = None,
    options: PictureOptions | None = None,
) -> str:
    """A table of the phases and the plan's picture, for a step summary or an issue."""
    issues = report.total.open_issues is not None
    head = "| Phase | Done | Progress | In progress | Blocked | Open | Skipped |"
    rule = "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
    if issues:
        head, rule = head + " Open issues |", rule + " ---: |"
    rows = [head, rule]
    for phase in (*report.phases, report.total):
        title = cell(phase.title)
        cells = [
            f"**{title}**" if phase is report.total else title,
            f"{phase.done}/{phase.total}",
            f"`{bar(phase.fraction, 10)}` {round(phase.fraction * 100)}%",
            str(phase.in_progress),
            str(phase.blocked),
            str(phase.open),
            str(phase.skipped),
        ]
        if issues:
            cells.append(str(phase.open_issues))
        rows.append("| " + " | ".join(cells) + " |")
    legend = (
        "Green: done · blue: in progress · red: blocked by an unfinished task · "
        "white: open · grey: skipped. An arrow points from a task to the one it blocks."
    )
    picture = markdown_block(plan, remote, options)
    return (
        f"### Plan progress: {cell(report.plan)}\n\n"
        + "\n".join(rows)
        + (f"\n\n{picture}\n{legend}\n")
    )


def cell(text: str) -> str:
    """Untrusted text as plain markdown in a table cell: one line, no HTML, no links."""
    flat = " ".join(text.split())
    for char, replacement in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        flat = flat.replace(char, replacement)
    for char in "\\|`*_[]!#~":
        flat = flat.replace(char, "\\" + char)
    return flat
