"""A Mermaid picture of a plan: phases as subgraphs, tasks coloured by state, blocked-by edges.

Pure and deterministic: the same plan (and remote states) always gives the same text. Node
ids are generated, never taken from the plan, and every label is entity-encoded, so no title
can break out of its quotes or add a `click`/`style` line.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from plansync.engine.records import RemoteState
from plansync.plan.model import Item, Kind, Plan, Section, State


class NodeState(enum.Enum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"  # open, with a dependency not yet done
    OPEN = "open"
    SKIPPED = "skipped"


FINISHED = (NodeState.DONE, NodeState.SKIPPED)

CLASS_STYLES: Mapping[NodeState, str] = {
    NodeState.DONE: "fill:#dafbe1,stroke:#1a7f37,color:#0f5323",
    NodeState.IN_PROGRESS: "fill:#ddf4ff,stroke:#0969da,color:#0a3069",
    NodeState.BLOCKED: "fill:#ffebe9,stroke:#cf222e,color:#82071e",
    NodeState.OPEN: "fill:#ffffff,stroke:#8c959f,color:#24292f",
    NodeState.SKIPPED: "fill:#f6f8fa,stroke:#afb8c1,color:#6e7781,stroke-dasharray:4 3",
}
_NOTE_STYLE = "fill:#fff8c5,stroke:#9a6700,color:#4d2d00"
# Kept as written inside quotes; `$` (KaTeX), `@` (node metadata), `#`, `;`, `:`, `%`, quotes,
# brackets, `<>&` and backticks are all encoded.
_SAFE_PUNCTUATION = frozenset(" .,-_()'/!?+=")
_TITLE_LIMIT = 60


@dataclass(frozen=True)
class Group:
    """A phase (or the section holding tasks) and its tasks, in plan order."""

    key: str
    title: str
    tasks: tuple[Item, ...]


@dataclass(frozen=True)
class PictureOptions:
    max_nodes: int = 60  # task nodes shown at most; the rest are counted in a note
    collapse_done: bool = True  # a phase whose tasks are all done or skipped becomes one node
    title_limit: int = _TITLE_LIMIT


def tasks_of(plan: Plan) -> tuple[Item, ...]:
    """The items the picture and the status count: tasks, not checklists or commented ones."""
    return tuple(i for i in plan.items if i.kind is Kind.TASK and not i.commented)


def groups(plan: Plan) -> tuple[Group, ...]:
    """Tasks grouped by their nearest phase heading (else their own section), in plan order."""
    sections = {section.key: section for section in plan.sections}
    order: dict[str, Section | None] = {}
    members: dict[str, list[Item]] = {}
    for item in tasks_of(plan):
        phase = _phase_of(item, sections)
        key = phase.key if phase else ""
        order.setdefault(key, phase)
        members.setdefault(key, []).append(item)
    return tuple(
        Group(key, phase.title if phase else "(no phase)", tuple(members[key]))
        for key, phase in order.items()
    )


def _phase_of(item: Item, sections: Mapping[str, Section]) -> Section | None:
    key = item.section
    while key is not None:
        if sections[key].is_phase:
            return sections[key]
        key = sections[key].parent
    return sections[item.section] if item.section else None


def node_states(
    plan: Plan, remote: Mapping[str, RemoteState] | None = None
) -> dict[str, NodeState]:
    """Each task's state. The plan's marker decides, except that an issue closed on the
    service counts as done (or skipped): that is what the next sync writes into the plan."""
    own: dict[str, NodeState] = {}
    for item in tasks_of(plan):
        own[item.key] = _own_state(item, (remote or {}).get(item.key))
    states = dict(own)
    for item in tasks_of(plan):
        if own[item.key] is NodeState.OPEN and any(
            own.get(dep) not in (None, *FINISHED) for dep in item.dependencies if dep != item.key
        ):
            states[item.key] = NodeState.BLOCKED
    return states


def _own_state(item: Item, remote: RemoteState | None) -> NodeState:
    if item.state is State.DONE or remote is RemoteState.DONE:
        return NodeState.DONE
    if item.state is State.SKIPPED or remote is RemoteState.SKIPPED:
        return NodeState.SKIPPED
    if item.state is State.IN_PROGRESS:
        return NodeState.IN_PROGRESS
    return NodeState.OPEN


def escape(text: str, limit: int = _TITLE_LIMIT) -> str:
    """Text safe inside a quoted Mermaid label: one line, everything but letters, digits
    and plain punctuation written as a `#NNN;` entity (which Mermaid decodes)."""
    # control, format (bidi overrides, zero-width) and unassigned characters are dropped
    visible = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c.isspace())
    flat = " ".join(visible.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    out = []
    for char in flat:
        safe = char in _SAFE_PUNCTUATION or (
            char.isalnum() and unicodedata.category(char)[0] in "LN" and char.isprintable()
        )
        out.append(char if safe else f"#{ord(char)};")
    return "".join(out)


def progress_label(done: int, total: int) -> str:
    return f"{done}/{total}"


def render(
    plan: Plan,
    remote: Mapping[str, RemoteState] | None = None,
    options: PictureOptions | None = None,
) -> str:
    """The plan as a Mermaid flowchart (without the ``` fence)."""
    drawing = _Drawing(options or PictureOptions(), node_states(plan, remote))
    for number, group in enumerate(groups(plan), 1):
        drawing.add(number, group)
    return drawing.finish(plan)


class _Drawing:
    """The flowchart's lines while phases are added; every node counts against the cap."""

    def __init__(self, options: PictureOptions, states: Mapping[str, NodeState]) -> None:
        self.options = options
        self.states = states
        self.lines = ["flowchart TB"]
        self.ids: dict[str, str] = {}  # task key -> the node that stands for it
        self.classes: dict[str, list[str]] = {}
        self.nodes = 0  # nodes drawn, collapsed phases included
        self.tasks = 0  # task nodes drawn: their ids are t1, t2, ...
        self.hidden_tasks = 0
        self.hidden_phases = 0

    def add(self, number: int, group: Group) -> None:
        done = sum(1 for t in group.tasks if self.states[t.key] is NodeState.DONE)
        title = escape(f"{group.title} — {progress_label(done, len(group.tasks))}", 100)
        room = max(self.options.max_nodes - self.nodes, 0)
        finished = all(self.states[t.key] in FINISHED for t in group.tasks)
        if self.options.collapse_done and finished and room:
            node = f"p{number}"
            self.lines.append(f'  {node}(["{title}"])')
            self.classes.setdefault("done", []).append(node)
            self.ids.update({t.key: node for t in group.tasks})
            self.nodes += 1
            return
        visible = group.tasks[:room]
        if len(visible) < len(group.tasks):
            self.hidden_tasks += len(group.tasks) - len(visible)
            self.hidden_phases += 1
        if visible:
            self.lines.append(f'  subgraph p{number}["{title}"]')
            self.lines.extend(self._task(task) for task in visible)
            self.lines.append("  end")

    def _task(self, task: Item) -> str:
        self.nodes += 1
        self.tasks += 1
        node = f"t{self.tasks}"
        self.ids[task.key] = node
        self.classes.setdefault(self.states[task.key].value, []).append(node)
        return f'    {node}["{escape(_label(task), self.options.title_limit)}"]'

    def finish(self, plan: Plan) -> str:
        lines = list(self.lines)
        if self.hidden_tasks:
            more = f"… {self.hidden_tasks} more {_plural(self.hidden_tasks, 'task')} in "
            more += f"{self.hidden_phases} {_plural(self.hidden_phases, 'phase')}"
            lines.append(f'  more["{escape(more, 100)}"]')
            self.classes.setdefault("note", []).append("more")
        lines.extend(_edges(plan, self.ids))
        lines.extend(_class_lines(self.classes))
        return "\n".join(lines) + "\n"


def _label(task: Item) -> str:
    if task.written_key and not task.title.startswith(task.written_key):
        return f"{task.written_key}: {task.title}"
    return task.title or task.key


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _edges(plan: Plan, ids: Mapping[str, str]) -> list[str]:
    """`a --> b`: a blocks b. Edges into a collapsed phase or a hidden task are left out."""
    edges: list[str] = []
    for item in tasks_of(plan):
        target = ids.get(item.key)
        if target is None or not target.startswith("t"):
            continue
        for dep in item.dependencies:
            source = ids.get(dep)
            if source is None or source == target:
                continue
            edge = f"  {source} --> {target}"
            if edge not in edges:
                edges.append(edge)
    return edges


def _class_lines(classes: Mapping[str, list[str]]) -> list[str]:
    lines = [f"  classDef {state.value} {style}" for state, style in CLASS_STYLES.items()]
    lines.append(f"  classDef note {_NOTE_STYLE}")
    for name in sorted(classes):
        lines.append(f"  class {','.join(classes[name])} {name}")
    return lines


def markdown_block(
    plan: Plan,
    remote: Mapping[str, RemoteState] | None = None,
    options: PictureOptions | None = None,
) -> str:
    """The picture as a fenced ```mermaid block, which GitHub and GitLab render."""
    return "```mermaid\n" + render(plan, remote, options) + "```\n"
