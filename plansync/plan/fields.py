"""Reading the text of one line: task keys and titles, issue references, metadata fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A trailing issue reference that plansync writes (or a person wrote): " (#42)",
# " ([#42](https://...))", " (owner/repo#42)", " (group/sub/project#42)".
_PROJECT = r"(?:[\w.-]+(?:/[\w.-]+)+)?"
ISSUE_REF = re.compile(rf"[ \t]+\((?P<ref>\[{_PROJECT}#\d+\]\([^()\s]+\)|{_PROJECT}#\d+)\)$")

# Inside the bold a backslash escapes the next character, so "\\*" never closes it.
_BOLD = re.compile(r"^(\*\*|__)(?P<inner>(?:\\.|(?!\1)[^\\])+?)\1(?P<rest>.*)$")
_TEMPLATE_KEY = re.compile(
    r"^(?P<key>(?i:task)[ \t]+\d+(?:\.\d+)*)(?:[ \t]*[:.)\-–—][ \t]*|[ \t]*$)"
)
_NUMBER_KEY = re.compile(r"^(?P<key>\d+(?:\.\d+)+|\d+)(?:\.[ \t]+|[ \t]+(?=\S))")
_SPECKIT_KEY = re.compile(r"^(?P<key>T\d{3,}[a-z]?)\b[ \t]*")
_SPECKIT_TAG = re.compile(r"\[(?P<tag>[A-Za-z][\w.-]{0,15})\][ \t]*")
_REQUIRED_FOR = re.compile(
    r"^[ \t]*:?[ \t]*(?:\*\*)?[ \t]*:?[ \t]*(?i:required for)\b(?P<what>.*)$"
)
_SEPARATOR = re.compile(r"^[ \t]*[:.\-–—]*[ \t]*")
_AC_SUFFIX = re.compile(r"^[ \t]*\((?P<k>AC|Req|Requirements?)[ \t]*:[ \t]*(?P<v>[^()]*)\)[ \t]*$")


@dataclass(frozen=True)
class TitleParts:
    key: str | None
    title_start: int  # offsets within the text given to split_title
    title_end: int
    tags: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


def split_title(text: str) -> TitleParts:
    """Find the key, the title and inline fields in the text after a checkbox.

    `text` has no issue reference and no trailing whitespace. Offsets are returned so
    that a rename replaces only the title's own characters.
    """
    bold = _BOLD.match(text)
    if not bold or "**" in bold.group("inner"):
        key, taken, tags = take_key(text)
        return TitleParts(key, taken, max(taken, len(text)), tags)
    offset = len(bold.group(1))
    inner = bold.group("inner")
    rest = bold.group("rest")
    key, taken, tags = take_key(inner)
    start, end = offset + taken, offset + len(_without_colon(inner))
    if not rest.strip():
        return TitleParts(key, start, max(start, offset + len(inner.rstrip())), tags)
    if required := _REQUIRED_FOR.match(rest):
        return TitleParts(key, start, end, tags, (("required for", required["what"].strip(" :*")),))
    if suffix := _AC_SUFFIX.match(rest):
        return TitleParts(key, start, end, tags, ((suffix["k"].lower(), suffix["v"].strip()),))
    if key is not None and start >= end:  # "**Task 2** — Config: ...": the bold is only the key
        lead = _SEPARATOR.match(rest)
        title_start = offset + len(inner) + offset + (lead.end() if lead else 0)
        return TitleParts(key, title_start, max(title_start, len(text)), tags)
    if key is not None:  # "**Task 4: Short title.** Longer explanation on the same line"
        return TitleParts(key, start, end, tags, (("summary", rest.strip()),))
    return TitleParts(None, 0, len(text))


def _without_colon(text: str) -> str:
    """ "Title:" -> "Title", but an escaped colon ("Title\\:") is part of the title."""
    text = text.rstrip()
    cut = len(text)
    while cut and text[cut - 1] == ":" and text[cut - 2 : cut - 1] != "\\":
        cut -= 1
    return text[:cut].rstrip()


def take_key(text: str) -> tuple[str | None, int, tuple[str, ...]]:
    """Return (key, characters taken, tags) from the start of a title."""
    for pattern in (_TEMPLATE_KEY, _SPECKIT_KEY, _NUMBER_KEY):
        match = pattern.match(text)
        if match:
            key = " ".join(match.group("key").split())
            if pattern is _TEMPLATE_KEY:
                key = "Task" + key[4:]
            taken = match.end()
            tags: list[str] = []
            if pattern is _SPECKIT_KEY:
                while tag := _SPECKIT_TAG.match(text, taken):
                    tags.append(tag.group("tag"))
                    taken = tag.end()
            return key, taken, tuple(tags)
    return None, 0, ()


# Metadata fields. Keys are matched case-insensitively after removing emphasis.
FIELD_ALIASES = {
    "requirements": "requirements",
    "requirement": "requirements",
    "reqs": "requirements",
    "req": "requirements",
    "validates": "requirements",
    "effort": "effort",
    "estimate": "effort",
    "estimated effort": "effort",
    "time estimate": "effort",
    "dependencies": "dependencies",
    "dependency": "dependencies",
    "depends on": "dependencies",
    "depends": "dependencies",
    "blocked by": "dependencies",
    "required for": "blocks",
    "blocks": "blocks",
    "priority": "priority",
    "owner": "owner",
    "owners": "owner",
    "assignee": "owner",
    "assigned to": "owner",
    "due": "due",
    "due date": "due",
    "deadline": "due",
    "start": "start",
    "start date": "start",
    "target date": "due",
    "timeline": "timeline",
    "mitigation task": "mitigation",
    "mitigation": "mitigation",
    "leverage": "leverage",
    "files": "files",
    "file": "files",
    "labels": "labels",
    "status": "status",
    "story": "story",
    "user story": "story",
    "ac": "acceptance",
    "acceptance criteria": "acceptance",
}
DATE_FIELDS = ("due", "start")

_FIELD = re.compile(r"^(?P<key>[^:|]{1,40}?)[ \t]*:[ \t]*(?P<value>.*)$")
_WRAPPED = re.compile(r"^(?P<mark>_|\*)(?!\1)(?P<inner>.+?)(?<!\1)(?P=mark)$")
BULLET = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+")
_EMPHASIS = re.compile(r"\*\*|__")


def parse_meta_line(line: str) -> list[tuple[str, str]] | None:
    """Return the fields of a metadata line, or None when the line is prose.

    Metadata lines look like `_Requirements: 1.1 | Effort: 4h | Dependencies: Task 1_`,
    `- **Depends on**: T003` or `- **Timeline**: Before Task 2`.
    """
    if ":" not in line:
        return None
    text = BULLET.sub("", line.strip(), count=1).strip()
    wrapped = _WRAPPED.match(text)
    if wrapped:
        text = wrapped.group("inner")
    fields: list[tuple[str, str]] = []
    for part in text.split("|"):
        match = _FIELD.match(_EMPHASIS.sub("", part).strip())
        if not match:
            return None
        key = " ".join(match.group("key").strip(" _*").lower().split())
        if key not in FIELD_ALIASES and not wrapped:
            return None
        fields.append((key, match.group("value").strip(" _*")))
    return fields or None


_NONE_VALUES = {"", "none", "n/a", "na", "-", "—", "nil", "no blockers", "no dependencies"}
_ID = re.compile(r"^(?P<task>(?i:tasks?)[ \t]+)?(?P<id>T\d{3,}[a-z]?|\d+(?:\.\d+)*)$")
_LIST_SPLIT = re.compile(r"[,;&]|\band\b|\bor\b")


def split_ids(value: str) -> tuple[list[str], list[str]]:
    """Split "Tasks 3, 4 and 5" into candidate keys; return (ids, free-text parts).

    A "Task" prefix carries over to the bare numbers after it, so each id comes back
    as it would be written as a key ("Task 4") and the caller resolves the variants.
    """
    cleaned = value.strip().strip("[]()").strip()
    if cleaned.lower().strip(" .") in _NONE_VALUES:
        return [], []
    ids: list[str] = []
    free: list[str] = []
    task_prefix = False
    for part in _LIST_SPLIT.split(cleaned):
        token = part.strip().strip("[]()`*_ .").strip()
        if not token:
            continue
        match = _ID.match(token)
        if not match:
            free.append(token)
            continue
        task_prefix = task_prefix or bool(match.group("task"))
        ident = match.group("id")
        ids.append(f"Task {ident}" if task_prefix and ident[0].isdigit() else ident)
    return ids, free


_REQUIREMENTS_WORD = re.compile(r"^(?i:requirements?)[ \t]+")
_COMMA = re.compile(r"[,;]")


def split_list(value: str) -> tuple[str, ...]:
    """Split "[1.1, 1.2]" or "Requirements 2.1, 2.2" into ("1.1", "1.2")."""
    cleaned = _REQUIREMENTS_WORD.sub("", value.strip().strip("[]").strip())
    parts = (part.strip().strip("[]`*_ ").strip() for part in _COMMA.split(cleaned))
    return tuple(part for part in parts if part and part.lower() not in _NONE_VALUES)


def slugify(text: str) -> str:
    words = re.sub(r"[^\w]+", " ", text.replace("`", "").lower()).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "-".join(words)[:60]
