"""The GitLab half of the sandbox: REST v4 routes for projects, users, issues, notes, labels,
milestones, issue links, repository files, branches and merge requests, each behind auth and
GitLab's rate limits.

`ROUTER` is what the core dispatches `/api/v4/...` to (prefix already stripped); `seed` serves
`POST /_sandbox/seed {"gitlab": ...}`; `ensure_project` makes a project by path.
"""

from __future__ import annotations

from plansync.sandbox.gitlab import (
    branches,
    files,
    issues,
    labels,
    links,
    merge_requests,
    milestones,
    notes,
    projects,
)
from plansync.sandbox.gitlab.db import ensure_project
from plansync.sandbox.gitlab.guard import register
from plansync.sandbox.gitlab.seed import seed
from plansync.sandbox.routing import Router

ROUTER = Router()
for _module in (
    projects,
    issues,
    notes,
    labels,
    milestones,
    links,
    files,
    branches,
    merge_requests,
):
    register(ROUTER, _module.ROUTES)

__all__ = ["ROUTER", "ensure_project", "seed"]
