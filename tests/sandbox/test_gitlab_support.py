"""Shared pieces of the GitLab sandbox tests: the sandbox, a python-gitlab client on it,
and GitLab's own JSON Schemas (with their `$ref`s resolved locally) to check responses with.

Other test_gitlab_* modules import the fixtures from here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import gitlab
import jsonschema  # type: ignore[import-untyped]
import pytest
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from plansync.sandbox import Sandbox
from tests.conftest import shared_dir

SCHEMAS = Path("apispec/gitlab-json-schemas/spec/fixtures/api/schemas/public_api/v4")


@pytest.fixture
def sandbox(plansync_sandbox: Sandbox) -> Sandbox:
    """The core's per-test sandbox (emptied, default limits); GitLab is served at its URL."""
    return plansync_sandbox


@pytest.fixture
def gl(sandbox: Sandbox) -> gitlab.Gitlab:
    return sandbox.gitlab_client()


@pytest.fixture
def project(gl: gitlab.Gitlab) -> Any:
    return gl.projects.get("acme/widgets")


Seen = list[requests.Response]


def watch(client: gitlab.Gitlab) -> Seen:
    """Every HTTP response python-gitlab receives, including the 429s it retries itself."""
    seen: Seen = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        seen.append(response)

    client.session.hooks["response"].append(hook)
    return seen


def configure(sandbox: Sandbox, **gitlab_config: Any) -> None:
    """Merge settings into `config["gitlab"]`, as `POST /_sandbox/limits` would."""
    sandbox.set_limits({"gitlab": gitlab_config})


# --- GitLab's JSON Schemas -------------------------------------------------------------------


def _schema_dir() -> Path:
    path = shared_dir() / SCHEMAS
    if not path.is_dir():
        pytest.skip(f"GitLab JSON Schemas not found at {path}")
    return path


def _retrieve(uri: str) -> Resource[Any]:
    return DRAFT4.create_resource(json.loads(Path(uri.removeprefix("file://")).read_text()))


@cache
def validator(name: str) -> Any:
    """A validator for e.g. "issue.json"; `"type": "date"` (milestone.json) means a string or
    null, since GitLab sends null dates and the keyword is not standard."""
    path = (_schema_dir() / name).resolve()
    schema = json.loads(path.read_text())
    checker = jsonschema.Draft4Validator.TYPE_CHECKER.redefine(
        "date", lambda _checker, value: value is None or isinstance(value, str)
    )
    cls = jsonschema.validators.extend(jsonschema.Draft4Validator, type_checker=checker)
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    schema = {"id": path.as_uri(), **schema}
    return cls(schema, registry=registry)


def check(name: str, body: Any) -> None:
    """Fail with every schema violation of `body` against GitLab's schema `name`."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(body)]
    assert not errors, "\n".join(errors)


def test_schemas_resolve_their_references() -> None:
    with pytest.raises(AssertionError, match="source_issue"):
        check("issue_link.json", {"target_issue": {}, "link_type": "blocks"})
    with pytest.raises(AssertionError, match="'iid' is a required property"):
        check("issue_link.json", {"source_issue": {}, "target_issue": {}, "link_type": "blocks"})


def test_date_type_accepts_strings_and_null() -> None:
    milestone = {
        "id": 1,
        "iid": 1,
        "title": "M",
        "description": None,
        "state": "active",
        "created_at": "2024-01-01T00:00:00.000Z",
        "updated_at": "2024-01-01T00:00:00.000Z",
        "start_date": None,
        "due_date": "2024-02-01",
    }
    check("milestone.json", milestone)
    with pytest.raises(AssertionError):
        check("milestone.json", milestone | {"due_date": 5})
