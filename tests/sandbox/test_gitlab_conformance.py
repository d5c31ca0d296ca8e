"""The sandbox against recorded reality: every field gitlab.com sent to python-gitlab in the
ogr cassettes is in the sandbox's answer to the same call, and the answers pass GitLab's own
JSON Schemas. Values differ (ids, hosts, times); shapes must not."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import gitlab
import pytest
import yaml

from plansync.sandbox import Sandbox
from tests.conftest import shared_dir
from tests.sandbox.test_gitlab_support import check, gl, project, sandbox, watch

__all__ = ["gl", "project", "sandbox"]  # fixtures

CASSETTES = Path("apispec/gitlab-recorded-ogr")
# Fields gitlab.com sent that the sandbox leaves out on purpose: none for issues and notes;
# the POST recording holds one error body ("message") mixed in among the issues.
ALLOWED_MISSING = {"POST issues": {"message"}}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: None)


@cache
def recorded() -> dict[str, set[str]]:
    """Union of the keys of every recorded JSON object, by "METHOD resource"."""
    folder = shared_dir() / CASSETTES
    if not folder.is_dir():
        pytest.skip(f"ogr recordings not found at {folder}")
    keys: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*/*.yaml")):
        sent = yaml.load(path.read_text(), Loader=_Loader)["requests.sessions"]["send"]
        for method, calls_by_url in sent.items():
            for url, calls in calls_by_url.items():
                resource = url.split("?")[0].split("/api/v4/")[1]
                resource = re.sub(r"projects/[^/]+(/|$)", "", resource)
                resource = re.sub(r"/\d+", "/N", re.sub(r"files/.*", "files/F", resource))
                for call in calls:
                    body = call["output"]["_content"]
                    if call["output"]["status_code"] >= 400:
                        continue
                    for item in body if isinstance(body, list) else [body]:
                        keys.setdefault(f"{method} {resource}", set()).update(item)
    return keys


def assert_has_recorded_fields(call: str, body: Any) -> None:
    items = body if isinstance(body, list) else [body]
    assert items, f"{call}: nothing to compare"
    for item in items:
        missing = recorded()[call] - set(item) - ALLOWED_MISSING.get(call, set())
        assert not missing, f"{call} lacks {sorted(missing)}"


def test_issue_calls_have_every_recorded_field(
    gl: gitlab.Gitlab, project: Any, sandbox: Sandbox
) -> None:
    milestone = project.milestones.create({"title": "v1", "due_date": "2030-01-01"})
    created = gl.http_post(
        f"/projects/{project.id}/issues",
        post_data={"title": "T", "labels": "a", "milestone_id": milestone.id},
    )
    assert_has_recorded_fields("POST issues", created)
    check("issue.json", created)
    updated = gl.http_put(f"/projects/{project.id}/issues/1", post_data={"state_event": "close"})
    assert_has_recorded_fields("PUT issues/N", updated)
    check("issue.json", updated)
    single = gl.http_get(f"/projects/{project.id}/issues/1")
    assert_has_recorded_fields("GET issues/N", single)
    listed = gl.http_get(f"/projects/{project.id}/issues", query_data={"state": "all"})
    assert_has_recorded_fields("GET issues", listed)
    assert isinstance(listed, list)
    for issue in listed:
        check("issue.json", issue)


def test_note_calls_have_every_recorded_field(gl: gitlab.Gitlab, project: Any) -> None:
    project.issues.create({"title": "T"})
    note = gl.http_post(f"/projects/{project.id}/issues/1/notes", post_data={"body": "hi"})
    assert_has_recorded_fields("POST issues/N/notes", note)
    listed = gl.http_get(f"/projects/{project.id}/issues/1/notes", query_data={"sort": "asc"})
    assert_has_recorded_fields("GET issues/N/notes", listed)
    check("notes.json", listed)


def test_file_user_and_users_calls_have_every_recorded_field(
    gl: gitlab.Gitlab, project: Any
) -> None:
    project.files.create(
        {"file_path": "README.md", "branch": "main", "content": "hi", "commit_message": "m"}
    )
    assert_has_recorded_fields(
        "GET repository/files/F",
        gl.http_get(f"/projects/{project.id}/repository/files/README.md?ref=main"),
    )
    assert_has_recorded_fields("GET users", gl.http_get("/users"))
    wanted = {"id", "username", "name", "state", "avatar_url", "web_url", "created_at", "email"}
    user = gl.http_get("/user")
    assert isinstance(user, dict)
    assert wanted <= set(user)


def test_project_has_the_fields_clients_read(gl: gitlab.Gitlab, sandbox: Sandbox) -> None:
    body = gl.http_get("/projects/acme%2Fwidgets")
    assert isinstance(body, dict)
    wanted = {
        "id", "name", "path", "path_with_namespace", "name_with_namespace", "namespace",
        "default_branch", "web_url", "http_url_to_repo", "ssh_url_to_repo", "_links",
        "created_at", "last_activity_at", "visibility", "empty_repo", "issues_enabled",
        "open_issues_count", "permissions", "archived", "creator_id",
    }  # fmt: skip
    assert wanted <= recorded()["GET "]  # every one is a real gitlab.com project field
    assert wanted <= set(body)
    assert body["_links"]["issues"] == f"{sandbox.url}/api/v4/projects/{body['id']}/issues"


def test_list_headers_match_the_recorded_set(gl: gitlab.Gitlab, project: Any) -> None:
    project.issues.create({"title": "T"})
    seen = watch(gl)
    project.issues.list(get_all=True, state="opened", order_by="updated_at", sort="desc")
    names = {"Link", "X-Total", "X-Total-Pages", "X-Page", "X-Next-Page", "X-Per-Page"}
    names |= {"X-Prev-Page", "RateLimit-Limit", "RateLimit-Observed", "RateLimit-Remaining"}
    names |= {"RateLimit-Reset", "ETag"}
    assert names <= set(seen[-1].headers)
