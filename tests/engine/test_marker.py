"""Issue bodies: the managed block, the person's text around it, and the hidden marker."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.engine import marker
from plansync.engine.marker import (
    MAX_MARKER,
    Marker,
    build_body,
    canonical,
    canonical_title,
    digest,
    marker_spans,
    normalize,
    parse_marker,
    same,
    split_body,
    title_digest,
)

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=60)


@settings(deadline=None)
@given(
    st.text(max_size=30),
    st.text(max_size=30),
    st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3),
)
def test_marker_round_trips_whatever_it_holds(plan: str, key: str, base: dict[str, str]) -> None:
    marker = Marker(plan, key, base)
    rendered = marker.render()
    assert "--" not in rendered[4:-3]  # nothing can end the HTML comment early
    assert parse_marker("text before\n" + rendered + "\ntext after") == marker


@settings(deadline=None)
@given(TEXT.filter(lambda t: "<!--" not in t), TEXT.filter(lambda t: "<!--" not in t))
def test_person_text_survives_a_rebuild(before: str, after: str) -> None:
    marker = Marker("docs/plan.md", "Task 1", {"title": "abc"})
    body = build_body("old description", "- **Effort:** 2h", marker)
    body = f"{before}\n\n{body}\n\n{after}"
    person = split_body(body)
    rebuilt = split_body(build_body("new description", "- **Effort:** 3h", marker, person))
    assert (rebuilt.before, rebuilt.after) == (person.before, person.after)
    assert rebuilt.description == "new description"
    assert rebuilt.marker == marker


def test_a_body_without_the_block_is_all_person_text() -> None:
    body = split_body("Someone rewrote the whole body.\r\n")
    assert body.description is None and body.marker is None
    assert body.before == "Someone rewrote the whole body.\n".strip("\n")


def test_normalize_ignores_what_services_change() -> None:
    assert normalize("\r\n  a  \r\nb\t\n\n") == "  a\nb"


class CountingText(str):
    """A string that counts the characters its `find` calls look at."""

    looked_at = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        stop = found + len(sub) if found >= 0 else (len(self) if end is None else end)
        CountingText.looked_at += max(0, stop - (start or 0))
        return found


def test_marker_parsing_is_linear_on_repeated_openings(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[int] = []
    loads = marker.json.loads

    def counting_loads(raw: str) -> object:
        decoded.append(len(raw))
        return loads(raw)

    monkeypatch.setattr(marker.json, "loads", counting_loads)
    real = Marker("docs/plan.md", "Task 1").render()
    for body in (
        "<!-- plansync {" * 4_400 + real,  # about 64 KB of openings, one marker at the end
        ("<!-- plansync {" * 100 + "} -->") * 40,
    ):
        CountingText.looked_at = 0
        decoded.clear()
        text = CountingText(body)
        found = parse_marker(text)
        assert CountingText.looked_at <= 3 * len(body)  # quadratic would be ~len(body) ** 2 / 30
        assert sum(decoded) <= len(body)
        assert len(list(marker_spans(body))) <= body.count("} -->")
    assert found is None
    assert parse_marker("<!-- plansync {" * 4_400 + real) == Marker("docs/plan.md", "Task 1")


def test_oversized_markers_are_ignored() -> None:
    small = Marker("p.md", "Task 1", {"ticks": {f"k{n}": True for n in range(100)}})
    huge = Marker("p.md", "Task 2", {"ticks": {f"k{n}": True for n in range(5_000)}})
    assert len(huge.render()) > MAX_MARKER > len(small.render())
    assert parse_marker(small.render()) == small
    assert parse_marker(huge.render()) is None
    assert parse_marker(small.render() + huge.render()) == small


def test_the_last_marker_in_a_body_counts() -> None:
    """plansync writes its marker last; one quoted earlier in the text is not it."""
    quoted, own = Marker("p.md", "Task 9").render(), Marker("p.md", "Task 1").render()
    assert parse_marker(f"see {quoted}\n\n{own}") == Marker("p.md", "Task 1")
    assert split_body(f"see {quoted}\n\n{own}").before.strip() == "see"


def test_digest_compares_canonical_text() -> None:
    assert digest("- [ ] x\r\n## Phase 9") == digest("\\- [ ] x\n\\## Phase 9  \n\n")
    assert digest("A** B") == digest("A\\*\\* B") and digest("T001 x") == digest("&#84;001 x")
    assert digest("  a\n    b") == digest("a\n  b")  # the plan keeps a description indented
    assert digest("a\x00b\u2028c") == digest("ab\nc")
    assert digest("a") != digest("b") and digest("a\nb") != digest("a b")
    assert title_digest("a\nb") == title_digest("a b") == digest("a b")
    assert same("x\\_y", "x_y") and not same("x", "y")
    assert canonical("\\- [ ] x") == "- [ ] x" and canonical_title("A\u2029B") == "A B"
