"""Markdown text -> Plan: sections from headings, items from checkbox lines (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plansync.plan import fields as f
from plansync.plan.model import Anchors, Category, Item, Plan, Section, Span
from plansync.plan.scan import Kind, Line, scan
from plansync.plan.sections import SectionBuilder

_DOC_FIELD = re.compile(
    r"^\*\*(?P<key>[^*]{1,60}?)(?::\*\*|\*\*[ \t]*:)[ \t]*(?P<value>.*?)[ \t]*$"
)
_PREAMBLE_FIELD = re.compile(r"^(?P<key>[A-Z][\w-]*(?: [\w-]+){0,2}):[ \t]+(?P<value>\S.*?)[ \t]*$")


@dataclass
class _Draft:
    """An item while its block is still being read."""

    line: Line
    section: Section | None
    parent: _Draft | None
    run: list[Line] = field(default_factory=list)  # description lines, before any child
    late: list[Line] = field(default_factory=list)  # own lines after its first child
    has_child: bool = False

    def attach(self, line: Line) -> None:
        (self.late if self.has_child else self.run).append(line)


def parse_plan(text: str, path: str | None = None) -> Plan:
    """Read a markdown plan. Never fails: any text is a plan, perhaps one without items."""
    lines = scan(text)
    sections = SectionBuilder()
    drafts: list[_Draft] = []
    stack: list[_Draft] = []
    metadata: dict[str, str] = {}
    for line in lines:
        if line.kind is Kind.HEADING:
            _close_blocks(stack, line.indent)
            if stack and stack[-1].line.indent >= 0:  # "  ## Notes" inside a list item
                stack[-1].attach(line)
                continue
            stack.clear()
            sections.add(line)
            continue
        if line.kind is Kind.CHECKBOX:
            if line.indent < 0:  # a task written as a heading starts a new block
                stack.clear()
            _close_blocks(stack, line.indent)
            draft = _Draft(line, sections.current, stack[-1] if stack else None)
            if draft.parent is not None:
                draft.parent.has_child = True
            drafts.append(draft)
            stack.append(draft)
            continue
        if line.kind is Kind.PROSE or line.opens_code:  # code inside a fence belongs to it
            _close_blocks(stack, line.indent)
            if not stack:
                _read_doc_field(line, metadata, sections)
        if stack:
            stack[-1].attach(line)
    items = _build_items(text, drafts)
    title = sections.document_title or (path.rsplit("/", 1)[-1] if path else "")
    return Plan(
        text=text,
        title=title,
        format=_detect_format(items),
        metadata=metadata,
        sections=sections.finish(),
        items=items,
        path=path,
    )


def _close_blocks(stack: list[_Draft], indent: int) -> None:
    """A line ends every open item whose checkbox is not left of it."""
    while stack and stack[-1].line.indent >= indent:
        stack.pop()


def _read_doc_field(line: Line, metadata: dict[str, str], sections: SectionBuilder) -> None:
    content = line.content.strip()
    match = _DOC_FIELD.match(content) or _PREAMBLE_FIELD.match(content)
    if match is None:
        return
    key, value = match["key"].strip(), match["value"]
    if sections.in_preamble or content.startswith("**"):
        metadata[key] = value
    sections.note(key, value)


def _build_items(text: str, drafts: list[_Draft]) -> tuple[Item, ...]:
    keys = _Keys()
    built: list[tuple[_Draft, dict[str, object]]] = []
    categories: dict[int, Category] = {}
    for draft in drafts:
        built.append((draft, _read_item(text, draft, keys, categories)))
    keys.finish()
    items = []
    for draft, values in built:
        parent_key = keys.of(draft.parent) if draft.parent is not None else None
        dependencies = tuple(keys.resolve(d) for d in values.pop("dependency_ids"))  # type: ignore[attr-defined]
        blocks = tuple(keys.resolve(b) for b in values.pop("block_ids"))  # type: ignore[attr-defined]
        items.append(
            Item(
                key=keys.of(draft),
                parent=parent_key,
                dependencies=dependencies,
                blocks=blocks,
                **values,  # type: ignore[arg-type]
            )
        )
    return tuple(items)


@dataclass(frozen=True)
class LineReading:
    """What a checkbox line says about its item, read from the line alone."""

    parts: f.TitleParts
    title: str
    ref: re.Match[str] | None
    lead: int  # spaces between the checkbox and the text


def read_line(line: Line) -> LineReading:
    raw = line.content[line.text_start :]
    body = raw.rstrip()
    ref_match = f.ISSUE_REF.search(body)
    if ref_match:
        body = body[: ref_match.start()]
    lead = len(raw) - len(raw.lstrip())
    parts = f.split_title(body[lead:])
    title = body[lead:][parts.title_start : parts.title_end].strip()
    return LineReading(parts, title, ref_match, lead)


def _read_item(
    text: str, draft: _Draft, keys: _Keys, categories: dict[int, Category]
) -> dict[str, object]:
    line = draft.line
    reading = read_line(line)
    parts, title, ref_match = reading.parts, reading.title, reading.ref
    body_start = line.start + line.text_start + reading.lead
    fields_, field_lines, meta_spans = _read_fields(draft, parts.fields)
    category = _category(draft, title, categories)
    keys.add(draft, parts.key, title)
    anchors = _anchors(text, draft, body_start, parts, ref_match, meta_spans)
    values = _interpret(fields_)
    return {
        "written_key": parts.key,
        "category": category,
        "title": title,
        "marker": line.marker,
        "line": line.number,
        "section": draft.section.key if draft.section else None,
        "description": _description(draft, meta_spans),
        "tags": parts.tags,
        "optional": line.optional,
        "commented": line.commented,
        "issue_ref": ref_match["ref"] if ref_match else None,
        "fields": fields_,
        "field_lines": field_lines,
        "anchors": anchors,
        **values,
    }


def _read_fields(
    draft: _Draft, inline: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], dict[str, int], list[Line]]:
    fields_: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    meta: list[Line] = []
    for key, value in inline:
        fields_[key] = value
        field_lines[key] = draft.line.number
    for own, lines in ((True, draft.run), (False, draft.late)):
        for line in lines:
            parsed = f.parse_meta_line(line.content) if line.kind is Kind.PROSE else None
            if parsed is None:
                continue
            if own:
                meta.append(line)
            for key, value in parsed:
                fields_.setdefault(key, value)
                field_lines.setdefault(key, line.number)
    return fields_, field_lines, meta


_SINGLE = ("effort", "priority", "owner", *f.DATE_FIELDS)


def _interpret(fields_: dict[str, str]) -> dict[str, object]:
    """Turn raw fields into the model's typed metadata, by their canonical names.

    When a name is given twice, the first value wins; lists (requirements,
    dependencies) take every value.
    """
    single: dict[str, str] = {}
    requirements: list[str] = []
    dependencies: list[str] = []
    blocks: list[str] = []
    loose: list[str] = []
    for key, value in fields_.items():
        name = f.FIELD_ALIASES.get(key, key)
        if name == "requirements":
            requirements.extend(f.split_list(value))
        elif name in ("dependencies", "blocks"):
            ids, free = f.split_ids(value)
            (dependencies if name == "dependencies" else blocks).extend(ids)
            loose.extend(free)
        elif name in _SINGLE:
            single.setdefault(name, value)
    return {
        "requirements": tuple(requirements),
        "effort": single.get("effort"),
        "priority": single.get("priority"),
        "owner": single.get("owner"),
        "dates": {name: single[name] for name in f.DATE_FIELDS if name in single},
        "dependency_ids": dependencies,
        "block_ids": blocks,
        "loose_dependencies": tuple(loose),
    }


def _category(draft: _Draft, title: str, known: dict[int, Category]) -> Category:
    """A nested item has its top-level ancestor's category; `known` holds the categories
    of the items read so far (a parent is read before its children), so depth costs nothing."""
    if draft.parent is not None:
        category = known[id(draft.parent)]
    elif title.lower().startswith("risk:"):
        category = Category.RISK
    else:
        category = draft.section.category if draft.section else Category.TASK
    known[id(draft)] = category
    return category


def _anchors(
    text: str,
    draft: _Draft,
    body_start: int,
    parts: f.TitleParts,
    ref: re.Match[str] | None,
    meta: list[Line],
) -> Anchors:
    line = draft.line
    content_end = line.start + len(line.content.rstrip())
    described = [entry for entry in draft.run if entry.kind is not Kind.BLANK]
    if described:
        span = Span(draft.run[0].start, described[-1].end)
        indent = _common_indent([entry.content for entry in described])
    else:
        span = Span(line.end, line.end)
        indent = " " * (line.content_indent if line.indent >= 0 else 0)
    return Anchors(
        marker=Span(line.start + line.marker_col, line.start + line.marker_col + 1),
        title=Span(body_start + parts.title_start, body_start + parts.title_end),
        ref=Span(
            line.start + line.text_start + ref.start("ref"),
            line.start + line.text_start + ref.end("ref"),
        )
        if ref
        else None,
        ref_insert=content_end,
        line_end=line.end,
        description=span,
        description_indent=indent,
        newline=line.newline,
        meta_lines=tuple(Span(m.start, m.end) for m in meta),
    )


def _common_indent(contents: list[str]) -> str:
    prefixes = [c[: len(c) - len(c.lstrip(" \t"))] for c in contents]
    common = prefixes[0]
    for prefix in prefixes[1:]:
        while not prefix.startswith(common):
            common = common[:-1]
    return common


def _description(draft: _Draft, meta: list[Line]) -> str:
    skip = {line.number for line in meta}
    own = [line for line in draft.run if line.number not in skip]
    while own and own[-1].kind is Kind.BLANK:
        own.pop()
    while own and own[0].kind is Kind.BLANK:
        own.pop(0)
    if not own:
        return ""
    indent = _common_indent([line.content for line in own if line.kind is not Kind.BLANK])
    return "\n".join(
        line.content[len(indent) :] if line.content.startswith(indent) else line.content.lstrip()
        for line in own
    )


def _detect_format(items: tuple[Item, ...]) -> str:
    explicit = [item.key for item in items if item.key_explicit]
    if any(key.startswith("Task ") for key in explicit):
        return "template"
    if any(key[:1] == "T" and key[1:2].isdigit() for key in explicit):
        return "speckit"
    if explicit:
        return "kiro"
    return "generic"


class _Keys:
    """Gives every item a key: its own ("Task 4", "1.1", "T001") or one made from its title."""

    def __init__(self) -> None:
        self._explicit: dict[int, str] = {}
        self._titles: dict[int, tuple[str | None, str]] = {}
        self._order: list[int] = []
        self._final: dict[int, str] = {}

    def add(self, draft: _Draft, key: str | None, title: str) -> None:
        ident = id(draft)
        self._order.append(ident)
        if key is not None:
            self._explicit[ident] = key
        else:
            self._titles[ident] = (draft.section.key if draft.section else None, title)

    def finish(self) -> None:
        taken = set(self._explicit.values())
        seen: set[str] = set()
        for ident in self._order:
            if ident in self._explicit:
                written = self._explicit[ident]
                key, number = written, 2
                while key in seen:  # a duplicate keeps a key of its own: "7.1~2"
                    key = f"{written}~{number}"
                    number += 1
                seen.add(key)
                taken.add(key)
                self._final[ident] = key
                continue
            section, title = self._titles[ident]
            slug = f.slugify(title) or "untitled"
            candidates = [slug, f"{f.slugify(section)}/{slug}" if section else slug]
            key = next((c for c in candidates if c not in taken), "")
            number = 2
            while not key or key in taken:
                key = f"{candidates[-1]}~{number}"
                number += 1
            taken.add(key)
            self._final[ident] = key
        self._all = set(self._final.values())

    def of(self, draft: _Draft) -> str:
        return self._final[id(draft)]

    def resolve(self, written: str) -> str:
        """Match "Task 3" to a key "3" and "3" to "Task 3" when only that one exists."""
        if written in self._all:
            return written
        bare = written[5:] if written.startswith("Task ") else written
        for candidate in (bare, f"Task {bare}"):
            if candidate in self._all:
                return candidate
        return written
