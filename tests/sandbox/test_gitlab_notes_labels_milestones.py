"""Notes, labels and milestones through the unmodified python-gitlab client."""

from __future__ import annotations

from typing import Any

import gitlab
import pytest

from plansync.sandbox import Sandbox
from tests.sandbox.test_gitlab_support import check, gl, project, sandbox

__all__ = ["gl", "project", "sandbox"]  # fixtures


def test_notes_create_list_edit_delete(project: Any, gl: gitlab.Gitlab) -> None:
    issue = project.issues.create({"title": "Discuss"})
    first = issue.notes.create({"body": "first"})
    second = issue.notes.create({"body": "second"})
    assert (first.body, first.system, first.noteable_iid) == ("first", False, issue.iid)
    assert [n.body for n in issue.notes.list(get_all=True)] == ["second", "first"]
    assert [n.body for n in issue.notes.list(get_all=True, sort="asc")] == ["first", "second"]
    note = issue.notes.get(first.id)
    note.body = "first, edited"
    note.save()
    assert issue.notes.get(first.id).body == "first, edited"
    assert project.issues.get(issue.iid).user_notes_count == 2
    check("notes.json", gl.http_get(f"/projects/{project.id}/issues/{issue.iid}/notes"))
    issue.notes.delete(second.id)
    assert [n.id for n in issue.notes.list(get_all=True)] == [first.id]
    with pytest.raises(gitlab.GitlabGetError):
        issue.notes.get(second.id)


def test_a_note_touches_its_issue(project: Any) -> None:
    issue = project.issues.create({"title": "Touch"})
    note = issue.notes.create({"body": "hello"})
    assert project.issues.get(issue.iid).updated_at == note.created_at


def test_notes_paginate(project: Any) -> None:
    issue = project.issues.create({"title": "Chatty"})
    for n in range(25):
        issue.notes.create({"body": f"note {n}"})
    notes = issue.notes.list(iterator=True, sort="asc", per_page=10)
    assert [n.body for n in notes] == [f"note {n}" for n in range(25)]
    assert notes.total_pages == 3


def test_empty_note_is_refused(project: Any) -> None:
    issue = project.issues.create({"title": "Quiet"})
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        issue.notes.create({"body": "  "})
    assert caught.value.response_code == 400


def test_labels_crud_by_name_and_id(project: Any, gl: gitlab.Gitlab) -> None:
    label = project.labels.create({"name": "bug", "color": "#d9534f", "description": "Broken"})
    assert (label.name, label.color, label.text_color) == ("bug", "#d9534f", "#FFFFFF")
    check("labels/project_label.json", gl.http_get(f"/projects/{project.id}/labels/{label.id}"))
    assert project.labels.get("bug").id == label.id
    assert project.labels.get(label.id).name == "bug"
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        project.labels.create({"name": "bug", "color": "#000000"})
    assert caught.value.response_code == 409

    issue = project.issues.create({"title": "Crash", "labels": "bug"})
    label.new_name = "defect"
    label.color = "#ffffff"
    label.save()
    assert label.name == "defect" and label.text_color == "#1F1E24"
    assert project.issues.get(issue.iid).labels == ["defect"]
    (listed,) = project.labels.list(get_all=True)
    assert (listed.name, listed.open_issues_count) == ("defect", 1)

    project.labels.update("defect", {"description": "Renamed"})
    assert project.labels.get("defect").description == "Renamed"
    project.labels.delete("defect")
    assert project.labels.list(get_all=True) == []
    assert project.issues.get(issue.iid).labels == []
    with pytest.raises(gitlab.GitlabGetError):
        project.labels.get("defect")


def test_label_names_with_spaces_and_slashes(project: Any) -> None:
    project.labels.create({"name": "type/needs review", "color": "#428BCA"})
    assert project.labels.get("type/needs review").name == "type/needs review"
    issue = project.issues.create({"title": "x", "labels": ["type/needs review"]})
    found = project.issues.list(get_all=True, labels="type/needs review")
    assert [i.iid for i in found] == [issue.iid]


def test_milestones_crud_close_activate(project: Any, gl: gitlab.Gitlab) -> None:
    milestone = project.milestones.create(
        {
            "title": "v1",
            "description": "First",
            "due_date": "2030-01-31",
            "start_date": "2030-01-01",
        }
    )
    assert (milestone.iid, milestone.state, milestone.due_date) == (1, "active", "2030-01-31")
    check("milestone.json", gl.http_get(f"/projects/{project.id}/milestones/{milestone.id}"))
    milestone.state_event = "close"
    milestone.save()
    assert project.milestones.get(milestone.id).state == "closed"
    project.milestones.update(milestone.id, {"state_event": "activate", "due_date": None})
    fetched = project.milestones.get(milestone.id)
    assert (fetched.state, fetched.due_date) == ("active", None)
    check("milestone.json", gl.http_get(f"/projects/{project.id}/milestones/{milestone.id}"))

    second = project.milestones.create({"title": "v2"})
    assert second.iid == 2
    project.milestones.update(second.id, {"state_event": "close"})
    assert [m.title for m in project.milestones.list(get_all=True, state="active")] == ["v1"]
    assert [m.title for m in project.milestones.list(get_all=True, state="closed")] == ["v2"]
    assert [m.title for m in project.milestones.list(get_all=True, iids=[2])] == ["v2"]
    assert [m.title for m in project.milestones.list(get_all=True, search="v1")] == ["v1"]

    with pytest.raises(gitlab.GitlabCreateError) as caught:
        project.milestones.create({"title": "v1"})
    assert caught.value.response_code == 400
    with pytest.raises(gitlab.GitlabUpdateError):
        project.milestones.update(milestone.id, {"due_date": "tomorrow"})


def test_milestone_issues_and_delete(project: Any) -> None:
    milestone = project.milestones.create({"title": "v1"})
    issue = project.issues.create({"title": "In v1", "milestone_id": milestone.id})
    assert [i.iid for i in milestone.issues(get_all=True)] == [issue.iid]
    project.milestones.delete(milestone.id)
    assert project.issues.get(issue.iid).milestone is None
    with pytest.raises(gitlab.GitlabGetError):
        project.milestones.get(milestone.id)


def test_unknown_milestone_id_is_dropped_like_gitlab(project: Any) -> None:
    issue = project.issues.create({"title": "x", "milestone_id": 987654})
    assert issue.milestone is None


def test_seed_creates_a_whole_project(sandbox: Sandbox, gl: gitlab.Gitlab) -> None:
    from plansync.sandbox.gitlab import seed

    spec = {
        "projects": {
            "seeded/app": {
                "labels": ["bug", {"name": "plan", "color": "#ff0000"}],
                "milestones": [{"title": "v1", "due_date": "2030-01-01"}],
                "issues": [
                    {"title": "A", "labels": ["bug"], "milestone": "v1", "notes": ["hi"]},
                    {"title": "B", "state": "closed"},
                ],
                "files": {"PLAN.md": "# Plan\n"},
            }
        }
    }
    with sandbox.store.lock:
        created = seed(sandbox.store, spec)
    assert created["projects"]["seeded/app"]["issues"] == [1, 2]
    app = gl.projects.get("seeded/app")
    first, second = app.issues.get(1), app.issues.get(2)
    assert (first.milestone["title"], first.labels, first.user_notes_count) == ("v1", ["bug"], 1)
    assert second.state == "closed"
    assert app.labels.get("plan").color == "#ff0000"
    assert app.files.raw("PLAN.md", ref="main") == b"# Plan\n"
