"""`GET /repos/{owner}/{repo}`: the full repository shape (the repository exists on first use)."""

from __future__ import annotations

from typing import Any

from plansync.sandbox.github import data as db
from plansync.sandbox.github.render import View, node_id
from plansync.sandbox.http import Request, Response
from plansync.sandbox.routing import Router
from plansync.sandbox.state import Store

router = Router()

# Every `*_url` GitHub sends for a repository, as suffixes of the repository's API URL.
URL_SUFFIXES = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def repository(view: View, repo: dict[str, Any]) -> dict[str, Any]:
    url = view.repo_url(repo)
    html = f"{view.web}/{repo['full_name']}"
    host = view.web.split("://", 1)[-1]
    open_issues = sum(1 for i in repo["issues"] if i["state"] == "open")
    shape: dict[str, Any] = {
        "id": repo["id"],
        "node_id": node_id("Repository", repo["id"]),
        "name": repo["name"],
        "full_name": repo["full_name"],
        "owner": view.user(repo["owner"]),
        "private": False,
        "html_url": html,
        "description": None,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in URL_SUFFIXES.items()},
        "git_url": f"git://{host}/{repo['full_name']}.git",
        "ssh_url": f"git@{host}:{repo['full_name']}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "size": 0,
        "default_branch": "main",
        "visibility": "public",
        "topics": [],
        "is_template": False,
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "license": None,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "open_issues": open_issues,
        "open_issues_count": open_issues,
        "network_count": 0,
        "subscribers_count": 0,
        "pushed_at": repo["updated_at"],
        "created_at": repo["created_at"],
        "updated_at": repo["updated_at"],
        "permissions": {
            "admin": True,
            "maintain": True,
            "push": True,
            "triage": True,
            "pull": True,
        },
        "allow_forking": True,
        "web_commit_signoff_required": False,
    }
    return shape


@router.route("GET", "/repos/{owner}/{repo}")
def get_repo(request: Request, store: Store, owner: str, repo: str) -> Response:
    return Response(200, repository(View.of(request, store), db.repo(store, owner, repo)))
