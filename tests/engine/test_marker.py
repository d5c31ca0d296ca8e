"""Issue bodies: the managed block, the person's text around it, and the hidden marker."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plansync.engine.marker import Marker, build_body, normalize, parse_marker, split_body

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=60)


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
