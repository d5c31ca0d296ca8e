"""The GitLab half through the core's machinery: admin seeding, persistence, time stamps."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from plansync.sandbox import Sandbox


def test_admin_seed_then_python_gitlab_reads_it(tmp_path: Path) -> None:
    spec = {"gitlab": {"projects": {"acme/app": {"issues": [{"title": "Seeded"}]}}}}
    with Sandbox(state=tmp_path / "state.json") as sandbox:
        answer = requests.post(
            f"{sandbox.url}/_sandbox/seed", json=spec, headers=sandbox.admin_headers(), timeout=10
        )
        assert answer.status_code == 201
        assert answer.json()["gitlab"]["projects"]["acme/app"]["issues"] == [1]
        gl = sandbox.gitlab_client()
        assert gl.projects.get("acme/app").issues.get(1).title == "Seeded"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with Sandbox(state=state, token="t1") as sandbox:
        project = sandbox.gitlab_client().projects.get("acme/app")
        issue = project.issues.create({"title": "Kept", "labels": "a"})
        other = project.issues.create({"title": "Other"})
        issue.links.create(
            {"target_project_id": project.id, "target_issue_iid": other.iid, "link_type": "blocks"}
        )
        issue.notes.create({"body": "note"})
        project.files.create(
            {"file_path": "PLAN.md", "branch": "main", "content": "x", "commit_message": "m"}
        )
    assert "gitlab" in json.loads(state.read_text())["data"]
    with Sandbox(state=state, token="t1") as again:
        project = again.gitlab_client().projects.get("acme/app")
        issue = project.issues.get(1)
        assert (issue.title, issue.labels, issue.user_notes_count) == ("Kept", ["a"], 1)
        assert [link.link_type for link in issue.links.list(get_all=True)] == ["blocks"]
        assert project.files.raw("PLAN.md", ref="main") == b"x"
        assert project.issues.create({"title": "Next"}).iid == 3
