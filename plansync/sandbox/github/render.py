"""JSON shapes of GitHub objects, built from stored records; every URL starts at the request's host.

`View` carries the URL roots of one request and caches per-request lookups (milestone counts).
"""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.http import Request
from plansync.sandbox.state import Store


def node_id(kind: str, ident: int) -> str:
    return base64.b64encode(f"0:{kind}{ident}".encode()).decode().rstrip("=")


@dataclass
class View:
    store: Store
    api: str  # e.g. http://127.0.0.1:8765/api/v3
    web: str  # e.g. http://127.0.0.1:8765
    _counts: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, request: Request, store: Store) -> View:
        return cls(store, request.api_url, request.base_url)

    def repo_url(self, repo: dict[str, Any]) -> str:
        return f"{self.api}/repos/{repo['full_name']}"

    def user(self, login: str | None) -> dict[str, Any] | None:
        if login is None:
            return None
        ident = db.user_id(self.store, login)
        url = f"{self.api}/users/{urllib.parse.quote(login)}"
        return {
            "login": login,
            "id": ident,
            "node_id": node_id("User", ident),
            "avatar_url": f"{self.web}/avatars/{login}",
            "gravatar_id": "",
            "url": url,
            "html_url": f"{self.web}/{login}",
            "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}",
            "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs",
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events",
            "type": "User",
            "user_view_type": "public",
            "site_admin": False,
        }

    def label(self, repo: dict[str, Any], label: dict[str, Any]) -> dict[str, Any]:
        name = urllib.parse.quote(label["name"], safe="")
        return {
            "id": label["id"],
            "node_id": node_id("Label", label["id"]),
            "url": f"{self.repo_url(repo)}/labels/{name}",
            "name": label["name"],
            "color": label["color"],
            "default": label.get("default", False),
            "description": label.get("description"),
        }

    def milestone(self, repo: dict[str, Any], ms: dict[str, Any]) -> dict[str, Any]:
        key = repo["full_name"]
        if key not in self._counts:
            self._counts[key] = db.milestone_counts(repo)
        opened, closed = self._counts[key].get(ms["number"], (0, 0))
        url = f"{self.repo_url(repo)}/milestones/{ms['number']}"
        return {
            "url": url,
            "html_url": f"{self.web}/{repo['full_name']}/milestone/{ms['number']}",
            "labels_url": f"{url}/labels",
            "id": ms["id"],
            "node_id": node_id("Milestone", ms["id"]),
            "number": ms["number"],
            "title": ms["title"],
            "description": ms.get("description"),
            "creator": self.user(ms.get("creator")),
            "open_issues": opened,
            "closed_issues": closed,
            "state": ms["state"],
            "created_at": ms["created_at"],
            "updated_at": ms["updated_at"],
            "due_on": ms.get("due_on"),
            "closed_at": ms.get("closed_at"),
        }

    def issue(self, repo: dict[str, Any], issue: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.repo_url(repo)}/issues/{issue['number']}"
        labels = [self.label(repo, lab) for lab in db.issue_labels(repo, issue)]
        assignees = [self.user(login) for login in issue["assignees"]]
        milestone = db.find_milestone(repo, issue.get("milestone"))
        parent = db.issue_by_id(self.store, issue.get("parent"))
        return {
            "id": issue["id"],
            "node_id": node_id("Issue", issue["id"]),
            "url": url,
            "repository_url": self.repo_url(repo),
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{self.web}/{repo['full_name']}/issues/{issue['number']}",
            "timeline_url": f"{url}/timeline",
            "number": issue["number"],
            "title": issue["title"],
            "user": self.user(issue["user"]),
            "labels": labels,
            "state": issue["state"],
            "state_reason": issue.get("state_reason"),
            "locked": issue.get("locked", False),
            "active_lock_reason": None,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": self.milestone(repo, milestone) if milestone else None,
            "comments": issue.get("comments", 0),
            "created_at": issue["created_at"],
            "updated_at": issue["updated_at"],
            "closed_at": issue.get("closed_at"),
            "closed_by": self.user(issue.get("closed_by")),
            "author_association": "OWNER",
            "body": issue.get("body"),
            "performed_via_github_app": None,
            "parent_issue_url": self.issue_url(parent) if parent else None,
            "sub_issues_summary": self._sub_summary(issue),
            "issue_dependencies_summary": self._dependency_summary(issue),
        }

    def issue_url(self, found: tuple[dict[str, Any], dict[str, Any]]) -> str:
        repo, issue = found
        return f"{self.repo_url(repo)}/issues/{issue['number']}"

    def _sub_summary(self, issue: dict[str, Any]) -> dict[str, int]:
        children = [db.issue_by_id(self.store, i) for i in issue.get("sub_issues", [])]
        total = sum(1 for c in children if c)
        done = sum(1 for c in children if c and c[1]["state"] == "closed")
        return {"total": total, "completed": done, "percent_completed": done * 100 // (total or 1)}

    def _dependency_summary(self, issue: dict[str, Any]) -> dict[str, int]:
        def open_count(ids: list[int]) -> int:
            found = [db.issue_by_id(self.store, i) for i in ids]
            return sum(1 for f in found if f and f[1]["state"] == "open")

        blocked_by, blocking = issue.get("blocked_by", []), issue.get("blocking", [])
        return {
            "blocked_by": open_count(blocked_by),
            "total_blocked_by": len(blocked_by),
            "blocking": open_count(blocking),
            "total_blocking": len(blocking),
        }

    def comment(self, repo: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
        base = self.repo_url(repo)
        return {
            "id": comment["id"],
            "node_id": node_id("IssueComment", comment["id"]),
            "url": f"{base}/issues/comments/{comment['id']}",
            "html_url": f"{self.web}/{repo['full_name']}/issues/{comment['issue']}"
            f"#issuecomment-{comment['id']}",
            "issue_url": f"{base}/issues/{comment['issue']}",
            "body": comment["body"],
            "user": self.user(comment["user"]),
            "created_at": comment["created_at"],
            "updated_at": comment["updated_at"],
            "author_association": "OWNER",
            "performed_via_github_app": None,
        }
