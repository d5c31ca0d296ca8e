"""A sandbox on a fake clock, a plan in a git work tree, one-call runs, and the canonical state
both services end up in (what a faulted run must equal: issues, relations, milestones, labels)."""

from __future__ import annotations

import collections
import json
import re
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from plansync.config import Config
from plansync.files import read_text
from plansync.plan import parse_plan
from plansync.run import Mode, RunReport, Settings, run
from plansync.sandbox import FakeTime, Sandbox
from plansync.transport import TransportSettings, defaults_for

REPO = "acme/site"
MARKER_KEY = re.compile(r'<!-- plansync \{.*?"key":"((?:[^"\\]|\\.)*)"')

SMALL_PLAN = """\
# Invitations

### Phase 1: Setup

- [x] **Task 1: Data model**
  - Tables and the migration
  - _Effort: 2 hours | Dependencies: None_

- [ ] **Task 2: Tokens**
  - Single-use tokens, hashed
  - _Effort: 3 hours | Dependencies: Task 1_
  - [ ] **Task 2.1: Token expiry**
    - Seven days, configurable

### Phase 2: API

- [ ] **Task 3: Endpoints**
  - Create and revoke invitations
  - _Dependencies: Task 2_

- [ ] **Task 4: Emails**
  - _Dependencies: Task 3_

- [ ] **Task 5: Docs**
  - The API reference
"""


@dataclass
class World:
    """One provider's sandbox (fake time), a plan file, and runs of plansync against them."""

    provider: str
    sandbox: Sandbox
    fake: FakeTime
    plan_path: Path
    base_url: str

    def settings(self, **transport: Any) -> Settings:
        config = Config(
            provider=self.provider,
            repo=REPO,
            base_url=self.base_url,
            token_env="PLANSYNC_TEST_TOKEN",
            plans=(str(self.plan_path),),
        )
        chosen: TransportSettings = replace(defaults_for(self.provider), **transport)
        return Settings(config, self.sandbox.token, transport=chosen)

    def sync(self, mode: Mode = Mode.SYNC, **transport: Any) -> RunReport:
        return run(self.settings(**transport), mode, clock=self.fake.time, sleep=self.fake.sleep)

    def text(self) -> str:
        return read_text(self.plan_path)

    def write(self, text: str) -> None:
        self.plan_path.write_text(text, encoding="utf-8")

    def edit(self, old: str, new: str) -> None:
        text = self.text()
        assert old in text, old
        self.write(text.replace(old, new, 1))

    def state(self) -> dict[str, Any]:
        return canonical(self.sandbox, self.provider)

    def keys(self) -> collections.Counter[str]:
        """How many issues carry each plan key in their marker."""
        return issue_keys(self.sandbox, self.provider)


@contextmanager
def world(tmp_path: Path, provider: str, plan: str = SMALL_PLAN, **sandbox: Any) -> Iterator[World]:
    (tmp_path / ".git").mkdir(
        parents=True, exist_ok=True
    )  # markers record the plan's path in the work tree
    plan_path = tmp_path / "plan.md"
    plan_path.write_text(plan, encoding="utf-8")
    fake = FakeTime()
    with Sandbox(clock=fake, **sandbox) as box:
        base_url = box.github_url if provider == "github" else box.url
        yield World(provider, box, fake, plan_path, base_url)


def raw_state(sandbox: Sandbox) -> dict[str, Any]:
    request = urllib.request.Request(
        sandbox.url + "/_sandbox/state", headers=sandbox.admin_headers()
    )
    with urllib.request.urlopen(request) as answer:
        data: dict[str, Any] = json.load(answer)
    return data["data"]


def canonical(sandbox: Sandbox, provider: str) -> dict[str, Any]:
    """Everything a sync decides, without ids, times and comments (a comment is not retried
    after an unknown outcome, by design)."""
    data = raw_state(sandbox)
    return _github(data["github"]) if provider == "github" else _gitlab(data["gitlab"])


def _github(data: dict[str, Any]) -> dict[str, Any]:
    repo = data["repos"].get(REPO, {"issues": [], "labels": {}, "milestones": {}})
    labels = {int(k): v["name"] for k, v in repo["labels"].items()}
    milestones = {int(k): v for k, v in repo["milestones"].items()}
    numbers = {issue["id"]: issue["number"] for issue in repo["issues"]}
    issues = [
        {
            "number": i["number"],
            "title": i["title"],
            "body": i["body"],
            "state": i["state"],
            "reason": i["state_reason"],
            "labels": sorted(labels[x] for x in i["labels"]),
            "milestone": milestones[i["milestone"]]["title"] if i["milestone"] else None,
            "sub_issues": sorted(numbers[x] for x in i["sub_issues"]),
            "blocked_by": sorted(numbers[x] for x in i["blocked_by"]),
        }
        for i in sorted(repo["issues"], key=lambda i: i["number"])
    ]
    return {
        "issues": issues,
        "milestones": [
            (m["title"], m["description"], m["state"], m["due_on"])
            for _, m in sorted(milestones.items())
        ],
        "labels": sorted(labels.values()),
    }


def _gitlab(data: dict[str, Any]) -> dict[str, Any]:
    path = data.get("paths", {}).get(REPO)
    if path is None:
        return {"issues": [], "milestones": [], "labels": [], "links": []}
    project = data["projects"][str(path)]
    milestones = {int(k): v for k, v in project["milestones"].items()}
    issues = [
        {
            "number": i["iid"],
            "title": i["title"],
            "body": i["description"],
            "state": i["state"],
            "labels": sorted(i["labels"]),
            "milestone": milestones[i["milestone_id"]]["title"] if i["milestone_id"] else None,
        }
        for i in sorted(project["issues"].values(), key=lambda i: i["iid"])
    ]
    links = sorted(
        (link["source"][1], link["target"][1], link["link_type"])
        for link in data.get("links", {}).values()
    )
    return {
        "issues": issues,
        "links": links,
        "milestones": [
            (m["title"], m["description"], m["state"], m["due_date"])
            for _, m in sorted(milestones.items())
        ],
        "labels": sorted(v["name"] for v in project["labels"].values()),
    }


def issue_keys(sandbox: Sandbox, provider: str) -> collections.Counter[str]:
    issues = canonical(sandbox, provider)["issues"]
    found = (MARKER_KEY.search(issue["body"] or "") for issue in issues)
    return collections.Counter(match.group(1) for match in found if match)


def open_issue_count(sandbox: Sandbox, provider: str) -> int:
    return sum(1 for i in canonical(sandbox, provider)["issues"] if i["state"] == "open")


def assert_plan_whole(text: str, before: str) -> None:
    """The plan parses, keeps every task it had, and no ticked box came unticked."""
    plan, old = parse_plan(text), parse_plan(before)
    now = {item.key: item for item in plan.items}
    for item in old.items:
        assert item.key in now, f"task {item.key} vanished from the plan"
        if item.checked:
            assert now[item.key].checked, f"{item.key} was unticked"


def assert_one_issue_per_key(counts: collections.Counter[str]) -> None:
    extra = {key: n for key, n in counts.items() if n != 1}
    assert not extra, f"duplicates: {extra}"
