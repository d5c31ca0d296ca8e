"""GitHub records in `store.data["github"]`: lookups, creation on first use, and GitHub's errors.

Layout: {"users": {login: id}, "repos": {"owner/name": repo}, "issue_index": {id: [repo, number]}}.
A repo holds `issues` (a list: number = index + 1), `labels` and `milestones` (dicts keyed by
id and number as strings), `comments` (keyed by id) and `files` (keyed by path).
"""

from __future__ import annotations

import time
from typing import Any, NoReturn

from plansync.sandbox.access import account_of
from plansync.sandbox.http import ApiError, Request
from plansync.sandbox.state import Store

DOCS = "https://docs.github.com/rest"
Record = dict[str, Any]


def not_found() -> NoReturn:
    raise ApiError(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})


def invalid(resource: str, field: str, code: str = "invalid", message: str = "") -> NoReturn:
    """GitHub's 422: Validation Failed with one entry in `errors`."""
    error: Record = {"resource": resource, "code": code, "field": field}
    if message:
        error["message"] = message
    body = {"message": "Validation Failed", "errors": [error], "documentation_url": DOCS}
    raise ApiError(422, body)


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def now(store: Store) -> str:
    return iso(store.clock.now())


def root(store: Store) -> Record:
    found: Record = store.data.setdefault("github", {"users": {}, "repos": {}, "issue_index": {}})
    return found


def user_id(store: Store, login: str) -> int:
    users: dict[str, int] = root(store)["users"]
    if login not in users:
        users[login] = store.next_id()
    return users[login]


def login(store: Store) -> str:
    """The default account's login (the sandbox token and tokens added without a login)."""
    return str(store.config.get("github", {}).get("login", "sandbox-user"))


def actor(request: Request, store: Store) -> str:
    """The login the request's token acts as (the default account when it names none)."""
    account = account_of(request)
    return account.login if account is not None and account.login else login(store)


def can_write(request: Request, store: Store, repo: Record) -> bool:
    """Push access: the owner and the default account have it; other accounts as configured."""
    account = account_of(request)
    if account is None or account.login is None:
        return True
    return account.login.lower() == repo["owner"].lower() or account.can_write(repo["full_name"])


def assignable(store: Store, repo: Record) -> set[str]:
    """Lower-cased logins that may be assigned: the owner and every account with push access.
    (GitHub also allows commenters and org members; the sandbox has neither.)"""
    logins = {repo["owner"].lower(), login(store).lower()}
    for account in store.accounts.values():
        if account.login and account.can_write(repo["full_name"]):
            logins.add(account.login.lower())
    return logins


def repo(store: Store, owner: str, name: str) -> Record:
    """The repository, created on first use (any owner/repo a request names exists)."""
    full = f"{owner}/{name}"
    repos: dict[str, Record] = root(store)["repos"]
    for key, found in repos.items():
        if key.lower() == full.lower():
            return found
    stamp = now(store)
    repos[full] = {
        "id": store.next_id(),
        "full_name": full,
        "owner": owner,
        "name": name,
        "created_at": stamp,
        "updated_at": stamp,
        "issues": [],
        "labels": {},
        "milestones": {},
        "next_milestone": 1,
        "comments": {},
        "files": {},
    }
    user_id(store, owner)
    return repos[full]


def issue(repo: Record, number: str | int) -> Record:
    try:
        index = int(number) - 1
    except ValueError:
        not_found()
    if not 0 <= index < len(repo["issues"]):
        not_found()
    found: Record = repo["issues"][index]
    return found


def issue_by_id(store: Store, ident: Any) -> tuple[Record, Record] | None:
    """(repo, issue) for a database id from anywhere in the sandbox, or None."""
    where = root(store)["issue_index"].get(str(ident)) if ident is not None else None
    if where is None:
        return None
    found_repo = root(store)["repos"][where[0]]
    return found_repo, found_repo["issues"][where[1] - 1]


def add_issue(store: Store, repo: Record, record: Record) -> Record:
    record["number"] = len(repo["issues"]) + 1
    record["id"] = store.next_id()
    repo["issues"].append(record)
    root(store)["issue_index"][str(record["id"])] = [repo["full_name"], record["number"]]
    return record


def find_label(repo: Record, name: str) -> Record | None:
    wanted = name.lower()
    return next((lab for lab in repo["labels"].values() if lab["name"].lower() == wanted), None)


def label(repo: Record, name: str) -> Record:
    found = find_label(repo, name)
    if found is None:
        not_found()
    return found


def ensure_label(store: Store, repo: Record, name: str) -> Record:
    """The label by name, created with a grey colour if missing (as GitHub does for issues)."""
    found = find_label(repo, name)
    if found is None:
        found = {"id": store.next_id(), "name": name, "color": "ededed", "description": None}
        repo["labels"][str(found["id"])] = found
    return found


def issue_labels(repo: Record, issue: Record) -> list[Record]:
    return [repo["labels"][str(i)] for i in issue["labels"] if str(i) in repo["labels"]]


def find_milestone(repo: Record, number: Any) -> Record | None:
    if number is None:
        return None
    found: Record | None = repo["milestones"].get(str(number))
    return found


def milestone(repo: Record, number: str | int) -> Record:
    found = find_milestone(repo, number)
    if found is None:
        not_found()
    return found


def milestone_counts(repo: Record) -> dict[int, tuple[int, int]]:
    """Open and closed issue counts per milestone number."""
    counts: dict[int, tuple[int, int]] = {}
    for item in repo["issues"]:
        number = item.get("milestone")
        if number is not None:
            opened, closed = counts.get(number, (0, 0))
            is_open = item["state"] == "open"
            counts[number] = (opened + is_open, closed + (not is_open))
    return counts


def touch(store: Store, *records: Record) -> None:
    stamp = now(store)
    for record in records:
        record["updated_at"] = stamp
