"""Milestones and issues -> a plan that parses back to one task per issue, with ref and state."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plansync.engine import marker as m
from plansync.engine.records import RemoteIssue, RemoteMilestone, RemoteState, Snapshot
from plansync.importer import NO_MILESTONE_TITLE, import_plan, task_line
from plansync.plan import Kind, State, parse_plan, validate
from plansync.plan.model import Plan

PLAN_STATE = {RemoteState.OPEN: State.OPEN, RemoteState.DONE: State.DONE}


def issue(
    number: int, title: str, state: RemoteState = RemoteState.OPEN, **kw: object
) -> RemoteIssue:
    return RemoteIssue(number, number * 10, title, str(kw.pop("body", "")), state, **kw)  # type: ignore[arg-type]


MILESTONES = (
    RemoteMilestone(1, "Phase 2: Backend", "", "2026-03-01"),
    RemoteMilestone(2, "Phase 1: Foundation", "", "2026-02-01"),
    RemoteMilestone(3, "Someday", "", None),
    RemoteMilestone(4, "Empty milestone", "", None),
)
ISSUES = (
    issue(
        12,
        "Invitation API",
        milestone=1,
        body="Create and revoke invitations.\r\n\r\n- rate limited\r\n",
    ),
    issue(7, "Data model", RemoteState.DONE, milestone=2),
    issue(9, "Tokens", RemoteState.SKIPPED, milestone=2),
    issue(30, "Dark mode", milestone=3),
    issue(31, "Loose end"),
    issue(32, "Unknown milestone", milestone=99),
)


def tasks(plan: Plan) -> list[tuple[str, str, str | None, State, str]]:
    section = {s.key: s.title for s in plan.sections}
    return [
        (i.key, i.title, i.issue_ref, i.state, section[i.section or ""])
        for i in plan.items
        if i.kind is Kind.TASK
    ]


def test_milestones_become_phases_in_due_date_order_and_issues_tasks() -> None:
    result = import_plan(Snapshot(ISSUES, MILESTONES, ()), "Team Invitations")
    plan = parse_plan(result.text, "docs/plan.md")
    assert tasks(plan) == [
        ("Task 1", "Data model", "#7", State.DONE, "Phase 1: Foundation"),
        ("Task 2", "Tokens", "#9", State.SKIPPED, "Phase 1: Foundation"),
        ("Task 3", "Invitation API", "#12", State.OPEN, "Phase 2: Backend"),
        ("Task 4", "Dark mode", "#30", State.OPEN, "Someday"),
        ("Task 5", "Loose end", "#31", State.OPEN, NO_MILESTONE_TITLE),
        ("Task 6", "Unknown milestone", "#32", State.OPEN, NO_MILESTONE_TITLE),
    ]
    assert (result.tasks, result.phases, result.without_description) == (6, 4, ())
    assert plan.title == "Team Invitations" and plan.format == "template"
    assert plan.item("Task 3").description == "Create and revoke invitations.\n\n- rate limited"
    assert "Empty milestone" not in result.text
    assert [p for p in validate(plan) if p.severity.value == "error"] == []
    without = next(s for s in plan.sections if s.title == NO_MILESTONE_TITLE)
    assert without.fields == {"milestone": "none"}


def test_the_skipped_marker_is_configurable() -> None:
    text = import_plan(
        Snapshot((issue(1, "x", RemoteState.SKIPPED),), (), ()), skipped_marker="x"
    ).text
    assert "- [x] **Task 1: x** (#1)" in text


def test_a_body_plansync_wrote_gives_its_description_not_its_machinery() -> None:
    body = m.build_body(
        "The description.", "- **Plan key:** Task 4", m.Marker("docs/plan.md", "Task 4")
    )
    plan = parse_plan(import_plan(Snapshot((issue(5, "Managed", body=body),), (), ())).text)
    assert plan.items[0].description == "The description."


def test_bodies_that_would_not_read_back_are_left_out_and_listed() -> None:
    snapshot = Snapshot(
        (
            issue(1, "Has boxes", body="- [ ] first\n- [x] second"),
            issue(2, "Has fields", body="Effort: 3 hours\nOwner: bob"),
            issue(3, "Plain", body="Just words."),
        ),
        (),
        (),
    )
    result = import_plan(snapshot)
    plan = parse_plan(result.text)
    assert len([i for i in plan.items if i.kind is Kind.TASK]) == 3
    assert result.without_description == (1, 2)
    assert [i.description for i in plan.items] == ["", "", "Just words."]


def test_titles_that_bold_would_change_fall_back_to_plain_text() -> None:
    for title in ("Fix **all** the things", "Add __init__ files", "Ends with a colon:"):
        line = task_line(1, title, " ", 4)
        item = parse_plan(f"## Phase 1\n{line}\n").items[0]
        assert (item.title, item.issue_ref, item.key) == (title, "#4", "Task 1"), line


TITLE_CHARS = st.sampled_from(list("abc XYZ 123 *_`[]()#:|<>!~-.,'\"\\/é数😀"))
TITLE = st.text(TITLE_CHARS, min_size=1, max_size=40).filter(lambda t: t.strip() != "")
BODY_LINE = st.sampled_from(
    [
        "Some words.",
        "",
        "- a bullet",
        "  indented",
        "```",
        "code()",
        "> quote",
        "1. numbered",
        "**bold**",
    ]
)
STATE = st.sampled_from(list(RemoteState))


@settings(deadline=None, max_examples=150)
@given(
    st.lists(
        st.tuples(TITLE, STATE, st.sampled_from([None, 1, 2]), st.lists(BODY_LINE, max_size=6)),
        min_size=1,
        max_size=8,
    )
)
def test_any_issues_parse_back_one_task_each_with_ref_and_state(
    specs: list[tuple[str, RemoteState, int | None, list[str]]],
) -> None:
    issues = tuple(
        issue(n, title, state, milestone=ms, body="\n".join(body))
        for n, (title, state, ms, body) in enumerate(specs, 1)
    )
    milestones = (RemoteMilestone(1, "Phase 1: One", ""), RemoteMilestone(2, "Later", ""))
    result = import_plan(Snapshot(issues, milestones, ()))
    plan = parse_plan(result.text)
    items = [i for i in plan.items if not i.commented]
    assert len(items) == len(issues) and all(i.kind is Kind.TASK for i in items)
    by_ref = {i.issue_ref: i for i in items}
    for remote in issues:
        item = by_ref[f"#{remote.number}"]
        expected = PLAN_STATE.get(remote.state, State.SKIPPED)
        assert item.state is expected
        if remote.number not in result.without_description:
            assert m.same(item.description, remote.body)  # as the engine compares them
        if item.title != " ".join(remote.title.split()):  # only a title read as fields may differ
            assert item.fields, (remote.title, item.title)
