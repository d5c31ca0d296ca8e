"""Headings -> sections: their keys ("Phase 2" or a slug), nesting and what they hold."""

from __future__ import annotations

import re
from dataclasses import replace

from plansync.plan.fields import slugify
from plansync.plan.model import Category, Section
from plansync.plan.scan import Line

_PHASE = re.compile(
    r"^\W*(?P<word>phase|stage|milestone|sprint|iteration|step|part)[ \t]+(?P<number>\d+(?:\.\d+)*)"
    r"[ \t]*(?:[:.)\-–—]|$)",
    re.IGNORECASE,
)
# Checklist sections of the template, matched against a heading's own title. The first
# pattern that matches wins; a phase heading always holds tasks.
_CATEGORIES = (
    (
        Category.QUALITY_GATE,
        re.compile(
            r"\b(completion|acceptance|exit|done)[ \t]+criteria\b|\bquality[ \t]+gates?\b"
            r"|\bcheckpoints?\b|\bdefinition[ \t]+of[ \t]+done\b",
            re.IGNORECASE,
        ),
    ),
    (Category.RISK, re.compile(r"\brisks?\b", re.IGNORECASE)),
    (
        Category.PREREQUISITE,
        re.compile(
            r"\bprerequisites?\b|^\W*(internal|external)?[ \t]*dependencies\W*$", re.IGNORECASE
        ),
    ),
    (Category.METRIC, re.compile(r"\bmetrics\b|\bkpis?\b", re.IGNORECASE)),
)


_DUE_KEYS = ("due", "due date", "deadline", "target date", "target")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_DUE_IN_TITLE = re.compile(r"\b(?:due|deadline|by)\b[ :]*(?P<date>\d{4}-\d{2}-\d{2})", re.I)


def _due(title: str, fields: dict[str, str]) -> str | None:
    for key in _DUE_KEYS:
        if key in fields and (date := _DATE.search(fields[key])):
            return date.group(0)
    in_title = _DUE_IN_TITLE.search(title)
    return in_title.group("date") if in_title else None


def _clean(text: str) -> str:
    return text.strip().strip("#").strip()


class SectionBuilder:
    """Collects sections in document order and knows which one is current."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.current: Section | None = None
        self.document_title: str | None = None
        self.in_preamble = True  # before the first heading, or between the title and the next
        self._path: list[Section] = []
        self._keys: set[str] = set()
        self._fields: dict[str, dict[str, str]] = {}

    def add(self, line: Line) -> None:
        title = _clean(line.heading_text)
        self.in_preamble = self.document_title is None and line.level == 1
        if self.in_preamble:
            self.document_title = title
        while self._path and self._path[-1].level >= line.level:
            self._path.pop()
        parent = self._path[-1] if self._path else None
        phase = _PHASE.match(title)
        key = self._unique(
            f"{phase['word'].title()} {phase['number']}" if phase else slugify(title)
        )
        section = Section(
            key=key,
            title=title,
            level=line.level,
            line=line.number,
            parent=parent.key if parent else None,
            is_phase=phase is not None,
            category=self._category(title, phase is not None, parent),
        )
        self.sections.append(section)
        self._path.append(section)
        self.current = section

    def note(self, key: str, value: str) -> None:
        """A `Key: value` line under the current heading, outside any item."""
        if self.current is not None:
            self._fields.setdefault(self.current.key, {}).setdefault(key.lower(), value)

    def finish(self) -> tuple[Section, ...]:
        return tuple(self._complete(section) for section in self.sections)

    def _complete(self, section: Section) -> Section:
        fields = self._fields.get(section.key, {})
        return replace(section, fields=fields, due=_due(section.title, fields))

    def _category(self, title: str, is_phase: bool, parent: Section | None) -> Category:
        if is_phase:
            return Category.TASK
        for category, pattern in _CATEGORIES:
            if pattern.search(title):
                return category
        return parent.category if parent else Category.TASK

    def _unique(self, key: str) -> str:
        key = key or "section"
        candidate, number = key, 2
        while candidate in self._keys:
            candidate = f"{key}~{number}"
            number += 1
        self._keys.add(candidate)
        return candidate
