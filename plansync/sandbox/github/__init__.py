"""The GitHub REST API half of the sandbox: one route table built from one module per resource.

Order matters where patterns overlap: `issues/comments` must come before `issues/{number}`.
"""

from __future__ import annotations

from plansync.sandbox.github import (
    comments,
    contents,
    git,
    issues,
    labels,
    meta,
    milestones,
    pulls,
    relations,
    repos,
)
from plansync.sandbox.routing import Router

ROUTER = Router()
for module in (comments, relations, labels, issues, milestones, contents, git, pulls, meta, repos):
    ROUTER.routes.extend(module.router.routes)

__all__ = ["ROUTER"]
