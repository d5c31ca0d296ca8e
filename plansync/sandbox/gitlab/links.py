"""Issue links (`relates_to`, `blocks`, `is_blocked_by`), which may cross projects.

Stored once per pair, `is_blocked_by` turned round into `blocks` as GitLab stores it; each side
sees the other with the type from its own point of view. A Free tier refuses blocking links.
"""

from __future__ import annotations

from typing import Any

from plansync.sandbox.gitlab import args, db, render
from plansync.sandbox.gitlab.render import Urls
from plansync.sandbox.http import ApiError, Request, Response

Record = db.Record
TYPES = ("relates_to", "blocks", "is_blocked_by")
INVERSE = {"relates_to": "relates_to", "blocks": "is_blocked_by", "is_blocked_by": "blocks"}
LICENCE_MESSAGE = "Blocked issues not available for current license"


def _end(issue: Record) -> list[int]:
    return [issue["project_id"], issue["iid"]]


def _issue_at(store: Any, end: list[int]) -> Record:
    project = db.root(store)["projects"][str(end[0])]
    issue: Record = project["issues"][str(end[1])]
    return issue


def _seen_from(link: Record, end: list[int]) -> tuple[list[int], str] | None:
    """The other end and the link type as seen from `end`, or None if the link is not its."""
    if link["source"] == end:
        return link["target"], link["link_type"]
    if link["target"] == end:
        return link["source"], INVERSE[link["link_type"]]
    return None


def _stored(store: Any, link: Record, urls: Urls) -> Record:
    return {
        "source_issue": render.issue(store, urls, _issue_at(store, link["source"])),
        "target_issue": render.issue(store, urls, _issue_at(store, link["target"])),
        "link_type": link["link_type"],
    }


def list_links(request: Request, store: Any, project: str, iid: str) -> Response:
    """The linked issues, each with `issue_link_id` and `link_type`; GitLab does not paginate."""
    issue = db.issue_by_iid(db.project_by_ref(store, project), iid)
    urls = Urls.of(request)
    shaped = []
    links = db.root(store)["links"].values()
    for link in sorted(links, key=lambda link: link["id"]):
        view = _seen_from(link, _end(issue))
        if view is not None:
            other, link_type = view
            shaped.append(
                render.issue(store, urls, _issue_at(store, other))
                | {
                    "issue_link_id": link["id"],
                    "link_type": link_type,
                    "link_created_at": render.iso(link["created_at"]),
                    "link_updated_at": render.iso(link["created_at"]),
                }
            )
    return Response(200, shaped)


def _target(store: Any, params: dict[str, Any]) -> Record:
    project_ref = args.required_str(params, "target_project_id")
    iid = args.as_int(args.required_str(params, "target_issue_iid"), "target_issue_iid")
    target_project = db.project_by_ref(store, project_ref)
    issue: Record | None = target_project["issues"].get(str(iid))
    if issue is None:
        message = "No matching issue found. Make sure that you are adding a valid issue URL."
        raise ApiError(404, {"message": message})
    return issue


def create_link(request: Request, store: Any, project: str, iid: str) -> Response:
    source = db.issue_by_iid(db.project_by_ref(store, project), iid)
    params = request.params()
    target = _target(store, params)
    link_type = str(params.get("link_type") or "relates_to")
    if link_type not in TYPES:
        raise ApiError(400, {"error": "link_type does not have a valid value"})
    tier = str((store.config.get("gitlab") or {}).get("tier", "premium")).lower()
    if link_type != "relates_to" and tier == "free":
        raise ApiError(403, {"message": LICENCE_MESSAGE})
    if target is source:
        raise ApiError(400, {"message": "Cannot link an issue to itself"})
    links = db.root(store)["links"]
    if any(
        _seen_from(link, _end(source)) is not None
        and _end(target) in (link["source"], link["target"])
        for link in links.values()
    ):
        raise ApiError(409, {"message": "Issue(s) already assigned"})
    ends = (
        (_end(target), _end(source))
        if link_type == "is_blocked_by"
        else (_end(source), _end(target))
    )
    link = {
        "id": store.next_id(),
        "source": ends[0],
        "target": ends[1],
        "link_type": "blocks" if link_type == "is_blocked_by" else link_type,
        "created_at": store.clock.now(),
    }
    links[str(link["id"])] = link
    urls = Urls.of(request)
    body = {
        "source_issue": render.issue(store, urls, source),
        "target_issue": render.issue(store, urls, target),
        "link_type": link_type,
    }
    return Response(201, body)


def _own_link(store: Any, project: str, iid: str, link_id: str) -> Record:
    issue = db.issue_by_iid(db.project_by_ref(store, project), iid)
    link: Record | None = db.root(store)["links"].get(link_id)
    if link is None or _seen_from(link, _end(issue)) is None:
        raise ApiError(404, {"message": "404 Not found"})
    return link


def get_link(request: Request, store: Any, project: str, iid: str, link_id: str) -> Response:
    return Response(200, _stored(store, _own_link(store, project, iid, link_id), Urls.of(request)))


def delete_link(request: Request, store: Any, project: str, iid: str, link_id: str) -> Response:
    link = _own_link(store, project, iid, link_id)
    body = _stored(store, link, Urls.of(request))
    del db.root(store)["links"][str(link["id"])]
    return Response(200, body)


LINKS = "/projects/{project}/issues/{iid}/links"
ROUTES = [
    ("GET", LINKS, list_links, "api"),
    ("POST", LINKS, create_link, "api"),
    ("GET", LINKS + "/{link_id}", get_link, "api"),
    ("DELETE", LINKS + "/{link_id}", delete_link, "api"),
]
