"""Recorded real exchanges from ../shared/apispec, reduced to what the retry policy reads:
method, status, lower-case headers and body text (formats: see each folder's README)."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Exchange:
    source: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: str


def pygithub(path: Path) -> list[Exchange]:
    """PyGithub ReplayData: 10 lines per exchange, then an empty line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found = []
    for start in range(0, len(lines) - 9, 11):
        chunk = lines[start : start + 10]
        headers = {str(k).lower(): str(v) for k, v in ast.literal_eval(chunk[8])}
        found.append(Exchange(path.name, chunk[1], chunk[4], int(chunk[7]), headers, chunk[9]))
    return found


def octokit(path: Path) -> list[Exchange]:
    """@octokit/fixtures raw-fixture.json: rawHeaders is a flat name, value, ... list."""
    found = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        raw = item.get("rawHeaders") or []
        headers = {str(raw[i]).lower(): str(raw[i + 1]) for i in range(0, len(raw) - 1, 2)}
        body = item.get("response")
        text = body if isinstance(body, str) else json.dumps(body)
        method = str(item["method"]).upper()
        found.append(
            Exchange(path.parent.name, method, item["path"], item["status"], headers, text)
        )
    return found


def ogr(path: Path) -> list[Exchange]:
    """packit/ogr requre cassettes: requests.sessions.send[METHOD][URL] = [{output: ...}]."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for method, by_url in data["requests.sessions"]["send"].items():
        for url, records in by_url.items():
            for record in records:
                output = record["output"]
                headers = {str(k).lower(): str(v) for k, v in output["headers"].items()}
                content = output.get("_content")
                text = content if isinstance(content, str) else json.dumps(content)
                found.append(
                    Exchange(path.name, method, url, int(output["status_code"]), headers, text)
                )
    return found
