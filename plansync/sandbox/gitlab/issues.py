"""Project issues: the filtered, sorted, paginated list; get; create; update; delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plansync.sandbox.gitlab import args, auth, db, editing, paging, render
from plansync.sandbox.gitlab.notes import add_note
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
Test = Callable[[Record], bool]
ORDERS: dict[str, Callable[[Record], Any]] = {
    "created_at": lambda i: i["created_at"],
    "updated_at": lambda i: i["updated_at"],
    "title": lambda i: i["title"].lower(),
    # Issues without a due date sort last in either direction on GitLab; "~" sorts after digits.
    "due_date": lambda i: i["due_date"] or "~",
}
UPDATABLE = (
    *("title", "description", "state_event", "labels", "add_labels", "remove_labels"),
    *("milestone_id", "assignee_ids", "assignee_id", "confidential", "discussion_locked"),
    *("due_date", "weight"),
)


def _enum(query: dict[str, list[str]], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = args.first(query, name) or default
    if value not in allowed:
        raise ApiError(400, {"error": f"{name} does not have a valid value"})
    return value


def _label_test(project: Record, names: list[str]) -> Test:
    if [n.lower() for n in names] == ["none"]:
        return lambda i: not i["labels"]
    if [n.lower() for n in names] == ["any"]:
        return lambda i: bool(i["labels"])
    return lambda i: all(n in i["labels"] for n in names)


def _milestone_test(project: Record, title: str) -> Test:
    if title.lower() == "none":
        return lambda i: i["milestone_id"] is None
    if title.lower() == "any":
        return lambda i: i["milestone_id"] is not None
    found = db.milestone_by_title(project, title)
    wanted = found["id"] if found else -1
    return lambda i: i["milestone_id"] == wanted


def _user_test(field: str, value: str) -> Test:
    if value.lower() in ("none", "any"):
        present = value.lower() == "any"
        return lambda i: bool(i[field]) == present
    user_id = args.as_int(value, field)
    if field == "assignee_ids":
        return lambda i: user_id in i["assignee_ids"]
    return lambda i: i[field] == user_id


def _time_tests(query: dict[str, list[str]], field: str) -> list[Test]:
    """`created_after` and friends; GitLab compares inclusively."""
    tests: list[Test] = []
    key = f"{field}_at"
    if (after := args.first(query, f"{field}_after")) is not None:
        since = args.as_time(after, f"{field}_after")
        tests.append(lambda i: bool(i[key] >= since))
    if (before := args.first(query, f"{field}_before")) is not None:
        until = args.as_time(before, f"{field}_before")
        tests.append(lambda i: bool(i[key] <= until))
    return tests


def _tests(project: Record, query: dict[str, list[str]]) -> list[Test]:
    tests: list[Test] = []
    state = _enum(query, "state", ("opened", "closed", "all"), "all")
    if state != "all":
        tests.append(lambda i: i["state"] == state)
    if labels := args.many(query, "labels"):
        tests.append(_label_test(project, labels))
    if (milestone := args.first(query, "milestone")) is not None:
        tests.append(_milestone_test(project, milestone))
    if iids := {args.as_int(v, "iids") for v in args.many(query, "iids")}:
        tests.append(lambda i: i["iid"] in iids)
    if search := (args.first(query, "search") or "").lower():
        tests.append(lambda i: search in f"{i['title']}\n{i['description'] or ''}".lower())
    if (author := args.first(query, "author_id")) is not None:
        tests.append(_user_test("author_id", author))
    if (assignee := args.first(query, "assignee_id")) is not None:
        tests.append(_user_test("assignee_ids", assignee))
    for field in ("created", "updated"):
        tests += _time_tests(query, field)
    if (confidential := args.first(query, "confidential")) is not None:
        wanted = args.as_bool(confidential, "confidential")
        tests.append(lambda i: i["confidential"] == wanted)
    return tests


def _with_label_details(project: Record, shaped: Record) -> Record:
    details = []
    for name in shaped["labels"]:
        label = db.label_by_name(project, name)
        if label is not None:
            full = render.label(project, label)
            keys = ("id", "name", "color", "description", "description_html", "text_color")
            details.append({key: full[key] for key in keys})
    return shaped | {"labels": details}


def list_issues(request: Request, store: Any, project: str) -> Response:
    record = db.project_by_ref(store, project)
    query = request.query
    tests = _tests(record, query)
    order = _enum(query, "order_by", (*ORDERS, "relative_position", "priority"), "created_at")
    sort = _enum(query, "sort", ("asc", "desc"), "desc")
    key = ORDERS.get(order, ORDERS["created_at"])
    found = [i for i in record["issues"].values() if all(test(i) for test in tests)]
    found.sort(key=lambda i: (key(i), i["id"]), reverse=sort == "desc")
    urls = Urls.of(request)
    page, headers = paging.paginate(found, urls.api + request.path, query)
    shaped = [render.issue(store, urls, issue) for issue in page]
    if args.as_bool(args.first(query, "with_labels_details") or "false", "with_labels_details"):
        shaped = [_with_label_details(record, issue) for issue in shaped]
    return Response(200, shaped, headers)


def get_issue(request: Request, store: Any, project: str, iid: str) -> Response:
    issue = db.issue_by_iid(db.project_by_ref(store, project), iid)
    return Response(200, render.issue(store, Urls.of(request), issue))


def create_issue(request: Request, store: Any, project: str) -> Response:
    user = auth.authenticate(request, store)
    record = db.project_by_ref(store, project)
    params = auth.permitted(request, store, record, request.params())
    issue = editing.new_issue(store, record, params, user)
    return Response(201, render.issue(store, Urls.of(request), issue))


def update_issue(request: Request, store: Any, project: str, iid: str) -> Response:
    user = auth.authenticate(request, store)
    record = db.project_by_ref(store, project)
    issue = db.issue_by_iid(record, iid)
    params = request.params()
    if not any(name in params for name in UPDATABLE):
        missing = ", ".join(UPDATABLE)
        raise ApiError(
            400, {"error": f"{missing} are missing, at least one parameter must be provided"}
        )
    params = auth.permitted(request, store, record, params)  # after the check, as on GitLab
    before = {k: v for k, v in issue.items() if k != "notes"}
    for body in editing.apply(store, record, issue, params, user):
        add_note(store, issue, user["id"], body, system=True)
    if {k: v for k, v in issue.items() if k != "notes"} != before:
        issue["updated_at"] = store.clock.now()
    return Response(200, render.issue(store, Urls.of(request), issue))


def delete_issue(request: Request, store: Any, project: str, iid: str) -> Response:
    record = db.project_by_ref(store, project)
    issue = db.issue_by_iid(record, iid)
    links = db.root(store)["links"]
    end = [record["id"], issue["iid"]]
    for link_id in [k for k, v in links.items() if end in (v["source"], v["target"])]:
        del links[link_id]
    del record["issues"][str(issue["iid"])]
    return Response(204)


ISSUE = "/projects/{project}/issues/{iid}"
ROUTES = [
    ("GET", "/projects/{project}/issues", list_issues, "api"),
    ("POST", "/projects/{project}/issues", create_issue, "issue_create"),
    ("GET", ISSUE, get_issue, "api"),
    ("PUT", ISSUE, update_issue, "api"),
    ("DELETE", ISSUE, delete_issue, "api"),
]
