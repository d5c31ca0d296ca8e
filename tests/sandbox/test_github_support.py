"""Shared pieces of the GitHub sandbox tests: GitHub's OpenAPI subset (with the README's load-time
patches) to validate responses against, and a recorder that keeps every exchange the server made.

Other test_github_* modules import from here.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from plansync.sandbox import Sandbox
from plansync.sandbox.http import Request
from tests.conftest import shared_dir

SPEC = "apispec/github-issues-subset.openapi.json"


def _nullable_enums(node: Any) -> None:
    """Patch 1: nullable enums that forget null (issue.state_reason among them)."""
    if isinstance(node, dict):
        if node.get("nullable") and "enum" in node and None not in node["enum"]:
            node["enum"].append(None)
        for value in node.values():
            _nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_enums(value)


def patched_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((shared_dir() / SPEC).read_text(encoding="utf-8"))
    _nullable_enums(spec)
    paths = spec["paths"]
    # Patch 2: a directory listing is an array, so the `type` discriminator cannot apply.
    ok = paths["/repos/{owner}/{repo}/contents/{path}"]["get"]["responses"]["200"]
    ok["content"]["application/json"]["schema"].pop("discriminator", None)
    # Patch 3: PyGithub sends labels as a bare JSON array, which GitHub accepts.
    for method in ("post", "put"):
        body = paths["/repos/{owner}/{repo}/issues/{issue_number}/labels"][method]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        body["content"]["application/json"]["schema"] = {
            "oneOf": [schema, {"type": "array", "items": {"type": "string"}}]
        }
    # Patch 4: GitHub answers 304 on the repository too, though the spec does not say so.
    paths["/repos/{owner}/{repo}"]["get"]["responses"]["304"] = {"description": "Not modified"}
    # Not in the README: the 409 of PUT contents is a oneOf of two schemas that any plain
    # {"message": ...} fits both of, so no real answer can pass it; anyOf is what it means.
    conflict = paths["/repos/{owner}/{repo}/contents/{path}"]["put"]["responses"]["409"]
    schema = conflict["content"]["application/json"]["schema"]
    schema["anyOf"] = schema.pop("oneOf")
    return spec


@cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(patched_spec())


@dataclass(frozen=True)
class Exchange:
    request: Request
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def _spec_path(request: Request) -> str:
    """The path as the spec's router needs it: `{path}` of contents may not contain `/`."""
    marker = "/contents/"
    if marker in request.path:
        head, _, tail = request.path.partition(marker)
        return head + marker + urllib.parse.quote(urllib.parse.unquote(tail), safe="")
    return request.path


def validate(exchange: Exchange) -> None:
    """Raise if the response does not fit GitHub's OpenAPI description of the operation."""
    query = {k: v[-1] for k, v in exchange.request.query.items()}
    mock_request = MockRequest(
        "https://api.github.com",
        exchange.request.method,
        _spec_path(exchange.request),
        args=query,
        data=exchange.request.body or None,
    )
    content_type = exchange.headers.get("Content-Type", "application/json").split(";")[0]
    mock_response = MockResponse(
        exchange.body, exchange.status, exchange.headers, content_type=content_type
    )
    openapi().validate_response(mock_request, mock_response)


class Recorder:
    """Keeps every exchange the sandbox answers (the server calls `app.handle`)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.exchanges: list[Exchange] = []
        self._handle = sandbox.app.handle

    def __call__(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        status, headers, body = self._handle(request)
        if not request.path.startswith("/_sandbox"):
            path = request.path.removeprefix("/api/v3")
            stripped = Request(request.method, path, request.query, request.headers, request.body)
            self.exchanges.append(Exchange(stripped, status, headers, body))
        return status, headers, body


@pytest.fixture
def recorder(plansync_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    if not shared_dir().is_dir():
        pytest.skip("reference data not found (set PLANSYNC_SHARED)")
    spy = Recorder(plansync_sandbox)
    monkeypatch.setattr(plansync_sandbox.app, "handle", spy)
    yield spy


def test_the_patched_spec_loads(shared: Any) -> None:
    assert "/repos/{owner}/{repo}/issues" in openapi().spec["paths"]
