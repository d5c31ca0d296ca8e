"""Text from the service made safe to write into a plan, and the canonical form both sides
are compared in (pure). A pull changes values, never structure: see docs/plan-format.md.

Every escape the writer adds is a backslash before an ASCII punctuation character, or a
numeric character reference for a title's first letter: markdown renders both as the
character itself, and `canonical` removes both, so an escaped value compares equal to
the text it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from plansync.plan import fields as f
from plansync.plan.scan import Kind, Line, scan

# Everything `str.splitlines` would split on besides "\n", CR included, and C0/C1
# controls (tab and newline excepted) and lone surrogates, which no file can hold.
_BREAKS = re.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ESCAPED = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_CHAR_REF = re.compile(r"&#(?:(?P<dec>[0-9]{1,7})|[xX](?P<hex>[0-9a-fA-F]{1,6}));")
_OPENER = re.compile(r"^[ \t]*(?:`{3,}|~{3,}|<!--)")  # what can open a block of code
_ROUNDS = 8  # rounds that escape only what is needed, before every opener is escaped
_SENTINEL = "- [ ] end"  # scanned after a description: still a checkbox when nothing is left open


def sanitize_description(text: str) -> str:
    """Line breaks of every kind become "\\n"; control characters are dropped."""
    return _CONTROL.sub("", _BREAKS.sub("\n", text))


def sanitize_title(text: str) -> str:
    """One line: line breaks become spaces, control characters are dropped, ends stripped."""
    return _CONTROL.sub("", _BREAKS.sub(" ", text).replace("\n", " ")).strip()


def canonical(text: str) -> str:
    """The form in which a plan's text and the service's text are compared.

    Sanitized, trailing spaces and outer blank lines dropped, the common indentation
    removed (the plan keeps descriptions indented under their task), and the writer's
    escapes removed: every backslash before ASCII punctuation, and numeric character
    references to printable characters.
    """
    lines = [line.rstrip() for line in sanitize_description(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    lines = lines[start:]
    indent = common_indent([line for line in lines if line])
    joined = "\n".join(line[len(indent) :] for line in lines)
    return _CHAR_REF.sub(_decode, _ESCAPED.sub("", joined))


def canonical_title(text: str) -> str:
    return canonical(sanitize_title(text))


def common_indent(lines: list[str]) -> str:
    """The longest run of spaces and tabs that every line starts with."""
    if not lines:
        return ""
    prefixes = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines]
    common = min(prefixes, key=len)
    for prefix in prefixes:
        while not prefix.startswith(common):
            common = common[:-1]
    return common


def _decode(match: re.Match[str]) -> str:
    code = int(match["dec"]) if match["dec"] else int(match["hex"], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match[0]
    char = chr(code)
    if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
        return match[0]
    return char


# --- descriptions -----------------------------------------------------------------------


def description_lines(text: str, indent: str, at_margin: bool = False) -> list[str] | None:
    """The lines to write as an item's description (without `indent`), or None when the
    text cannot be carried without changing the plan's structure.

    Lines the scanner or the parser would read as structure (checkboxes, setext
    underlines, unclosed fences, HTML comments, metadata lines, and headings when the
    item is a heading task, `at_margin`) are escaped until the text, scanned on its own,
    is only prose and balanced fenced code. A heading inside a list item stays a heading:
    it belongs to the item.
    """
    lines = ["" if not line.strip() else line for line in sanitize_description(text).split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    for round_ in range(_ROUNDS + 4):
        if round_ == _ROUNDS:  # a chain of unclosed fences unlocks one per round: stop that
            lines = [_escape_line(line, "first") if _OPENER.match(line) else line for line in lines]
        bad = _structural(lines, indent, at_margin)
        if not bad:
            return lines
        for index in bad:
            escaped = _escape_line(lines[index], bad[index])
            if escaped == lines[index]:
                return None
            lines[index] = escaped
    return None


def _structural(lines: list[str], indent: str, at_margin: bool) -> dict[int, str]:
    """Index -> why, for each line the scanner would read as structure."""
    text = "\n".join([""] + [indent + line if line else "" for line in lines] + [_SENTINEL])
    scanned = scan(text)[1:]  # a blank first line: the scan never sees a byte order mark
    bad: dict[int, str] = {}
    last_opener = -1
    for index, line in enumerate(scanned[:-1]):
        why = _why(line, at_margin)
        if why:
            bad[index] = why
        if line.opens_code:
            last_opener = index
    if scanned[-1].kind is not Kind.CHECKBOX and last_opener >= 0:  # left a block open
        bad[last_opener] = "first"
    return bad


def _why(line: Line, at_margin: bool) -> str:
    stripped = line.content.lstrip()
    if line.kind is Kind.CHECKBOX or line.setext:
        return "first"
    if line.kind is Kind.HEADING and stripped.startswith("#") and at_margin:
        return "first"
    if line.opens_code and stripped.startswith("<!--"):
        return "first"
    if line.kind is Kind.PROSE and f.parse_meta_line(line.content) is not None:
        return "meta"
    return ""


def _escape_line(line: str, why: str) -> str:
    body = line.lstrip(" \t")
    lead = line[: len(line) - len(body)]
    if why == "meta":
        bullet = f.BULLET.match(body)
        at = bullet.end() if bullet else 0
        head, rest = body[:at], body[at:]
        if rest[:1] in ("_", "*"):
            rest = "\\" + rest
        colon = rest.find(":")
        if colon >= 0:
            rest = rest[:colon] + "\\" + rest[colon:]
        return lead + head + rest
    digits = len(body) - len(body.lstrip("0123456789"))
    if digits and body[digits : digits + 1] in (".", ")"):  # "1. [ ] x" -> "1\. [ ] x"
        return lead + body[:digits] + "\\" + body[digits:]
    if body[:1] and body[0] in _PUNCT:
        return lead + "\\" + body
    return line


# --- titles -----------------------------------------------------------------------------


def title_text(title: str, bold: str, accepts: Callable[[str], bool]) -> str | None:
    """The text to write as a title, or None when it cannot be carried faithfully.

    `bold` is the emphasis the title sits in ("**", "__" or ""); `accepts(candidate)`
    says whether the line reads back with this title and nothing else changed.
    """
    plain = sanitize_title(title)
    if not plain:
        return None
    text = _escape_bold(plain, bold) if bold else plain
    text = text.replace("<!--", "\\<!--")
    if ref := f.ISSUE_REF.search(" " + text):  # " (#3)" must stay text, whatever the line
        at = text.index("(", max(0, ref.start() - 1))
        text = text[:at] + "\\" + text[at:]
    if accepts(text):
        return text
    for escape in (_escape_start, _escape_key, _escape_risk, _escape_colon, _escape_hashes):
        text = escape(text)
        if accepts(text):
            return text
    return None


def _escape_bold(text: str, bold: str) -> str:
    """Backslash the emphasis character, unpaired backticks and backslashes before them."""
    specials = {bold[0]}
    if text.count("`") % 2:
        specials.add("`")
    out = []
    for index, char in enumerate(text):
        after = text[index + 1 : index + 2]
        if char in specials or (char == "\\" and (not after or after in _PUNCT)):
            out.append("\\")
        out.append(char)
    return "".join(out)


def _escape_start(text: str) -> str:
    """A leading "*", "_" or "[" would read as emphasis or a spec-kit tag; after a bold
    key ("**T001** -> x") leading separators (":", ".", "-", dashes) would be dropped."""
    if text[:1] and text[0] in "*_[:.-":
        return "\\" + text
    if text[:1] in ("\u2013", "\u2014"):  # no backslash escape for these: a reference
        return f"&#{ord(text[0])};{text[1:]}"
    return text


def _escape_key(text: str) -> str:
    """A key-like start ("Task 3:", "1.2 ", "T001 ") would give the item that key."""
    taken = f.take_key(text)[1]
    if not taken:
        return text
    span = text[:taken]
    if any(char in _PUNCT for char in span):
        return "".join("\\" + c if c in _PUNCT else c for c in span) + text[taken:]
    return f"&#{ord(text[0])};{text[1:]}"


def _escape_risk(text: str) -> str:
    """ "Risk:" at the start makes a task a checklist entry."""
    return text[:4] + "\\" + text[4:] if text.lower().startswith("risk:") else text


def _escape_colon(text: str) -> str:
    """ "**Task 1: Title:** more" reads the title without its trailing colon."""
    return text[:-1] + "\\:" if text.endswith(":") else text


def _escape_hashes(text: str) -> str:
    """A heading task drops trailing " ###" as the heading's closing sequence."""
    match = re.search(r"[ \t](#+)[ \t]*$", text)
    return text[: match.start(1)] + "\\" + text[match.start(1) :] if match else text
