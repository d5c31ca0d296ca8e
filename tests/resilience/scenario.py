"""The two-sync scenario the fault matrix runs: a first sync, then edits on both sides that make
the second sync list, create, update, link, close and write the plan back."""

from __future__ import annotations

from typing import Any

from tests.resilience.world import World

# (method, path glob) of the first request of each kind of operation in the second sync.
# Issue numbers are fixed by the first sync: Task 2 is #2 (renamed), Task 3 is #4 (ticked).
OPERATIONS: dict[str, dict[str, tuple[str, str]]] = {
    "github": {
        "list": ("GET", "/repos/*/issues"),
        "create": ("POST", "/repos/*/issues"),
        "update": ("PATCH", "/repos/*/issues/2"),
        "link": ("POST", "/repos/*/issues/*/dependencies/blocked_by"),
        "close": ("PATCH", "/repos/*/issues/4"),
    },
    "gitlab": {
        "list": ("GET", "/projects/*/issues"),
        "create": ("POST", "/projects/*/issues"),
        "update": ("PUT", "/projects/*/issues/2"),
        "link": ("POST", "/projects/*/issues/*/links"),
        "close": ("PUT", "/projects/*/issues/4"),
    },
}

NEW_TASKS = """
- [ ] **Task 6: Audit log**
  - Who invited whom, and when
  - _Dependencies: Task 4_

- [x] **Task 7: Spike on magic links**
  - Done before the plan was written
"""


def first_sync(world: World) -> None:
    report = world.sync()
    assert report.exit_code == 0 and report.stopped is None, report


def edit_both_sides(world: World) -> None:
    """A rename, a tick, two new tasks (one done, one blocked) in the plan; an issue closed
    and one retitled on the service."""
    world.edit("**Task 2: Tokens**", "**Task 2: Invitation tokens**")
    world.edit("- [ ] **Task 3: Endpoints**", "- [x] **Task 3: Endpoints**")
    world.write(world.text() + NEW_TASKS)
    world.fake.advance(120)
    if world.provider == "github":
        repo = world.sandbox.github_client().get_repo("acme/site")
        repo.get_issue(5).edit(state="closed")
        repo.get_issue(6).edit(title="API reference docs")
    else:
        project = world.sandbox.gitlab_client().projects.get("acme/site")
        emails: Any = project.issues.get(5)
        emails.state_event = "close"
        emails.save()
        docs: Any = project.issues.get(6)
        docs.title = "API reference docs"
        docs.save()
    world.fake.advance(120)
