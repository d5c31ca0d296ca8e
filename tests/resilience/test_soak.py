"""A seeded soak: 100 rounds per service (200 faulted syncs in all) of random edits on both sides
of a small plan, each synced through random low-rate faults (the sandbox's and a proxy's), then
once without faults. After every faulted sync: one issue per key, the plan parses, no ticked box
unticked unless a person did it. After every calm sync: each edit of the round, made on one side,
is on both sides, and every task's title and state match its issue. Reproducible: SEED.
"""

from __future__ import annotations

import contextlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from plansync.errors import PlansyncError
from plansync.plan import Plan, parse_plan
from tests.resilience import world
from tests.resilience.proxy import FaultProxy
from tests.resilience.world import World

SEED = 20261201
ROUNDS = 100
SANDBOX_FAULTS = ("500", "502", "503", "reset", "lost-response", "malformed")
PROXY_FAULTS = {
    "github": ("504", "garble", "reset", "primary", "secondary", "secondary-bare"),
    "gitlab": ("504", "garble", "reset", "429", "429-reset"),
}
PATHS = {"github": "/repos/*/issues*", "gitlab": "/projects/*/issues*"}


@dataclass
class Expect:
    """What a calm sync must show on both sides, by key."""

    titles: dict[str, str] = field(default_factory=dict)
    done: dict[str, bool] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_soak(provider: str, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}:{provider}")
    with world.world(tmp_path, provider) as w, FaultProxy(w.sandbox.port, w.fake.time) as proxy:
        direct, faulted = w.base_url, proxy.url + ("/api/v3" if provider == "github" else "")
        assert w.sync().exit_code == 0
        completed, added = 0, 0
        for round_ in range(ROUNDS):
            expect = Expect()
            added = edit_plan(w, rng, round_, expect, added)
            edit_service(w, rng, round_, expect)
            before = w.text()
            arm_faults(w, proxy, rng, round_)
            w.base_url = faulted
            # A run may give up on a fault: the next (calm) sync must still lose nothing.
            with contextlib.suppress(PlansyncError):
                completed += w.sync().exit_code == 0
            w.base_url = direct
            w.sandbox.set_faults("")
            proxy.rules.clear()
            world.assert_one_issue_per_key(w.keys())
            assert_no_unticking(w.text(), before, expect)
            w.fake.advance(600)
            assert w.sync().exit_code == 0, f"round {round_}"
            check(w, expect, round_)
        assert completed >= ROUNDS * 0.8, f"only {completed} faulted syncs completed"


def arm_faults(w: World, proxy: FaultProxy, rng: random.Random, round_: int) -> None:
    rate = rng.choice((0.03, 0.06, 0.1))
    rules = [
        f"*: {kind} ~{rate / 2 if kind == 'lost-response' else rate}" for kind in SANDBOX_FAULTS
    ]
    w.sandbox.set_faults("; ".join(rng.sample(rules, rng.randint(1, 4))), seed=round_)
    for _ in range(rng.randint(0, 2)):
        method = rng.choice(("GET", "POST", "PATCH" if w.provider == "github" else "PUT"))
        action = rng.choice(PROXY_FAULTS[w.provider])
        proxy.arm(method, PATHS[w.provider], action, nth=rng.randint(1, 3))


def tasks(plan: Plan) -> list[Any]:
    return [i for i in plan.items if i.key.startswith("Task") and not i.commented]


def edit_plan(w: World, rng: random.Random, round_: int, expect: Expect, added: int) -> int:
    """Up to two edits in the plan, each on its own task."""
    plan = parse_plan(w.text())
    lines = w.text().split("\n")
    chosen = rng.sample(tasks(plan), k=min(2, len(tasks(plan))))
    for item in chosen[: rng.randint(0, 2)]:
        index = item.line - 1
        what = rng.choice(("tick", "rename", "describe"))
        if what == "tick":
            ticked = not item.checked
            old, new = ("- [ ]", "- [x]") if ticked else ("- [x]", "- [ ]")
            lines[index] = lines[index].replace(old, new, 1)
            expect.done[item.key] = ticked
        elif what == "rename":
            title = f"{item.title.split(' r')[0]} r{round_}"
            lines[index] = lines[index].replace(f": {item.title}**", f": {title}**", 1)
            expect.titles[item.key] = title
        elif index + 1 < len(lines) and re.match(r"^ +- [^_\[]", lines[index + 1]):
            lines[index + 1] = re.sub(r"- .*", f"- Plan wording {round_}", lines[index + 1])
            expect.descriptions[item.key] = f"Plan wording {round_}"
    w.write("\n".join(lines))
    if rng.random() < 0.15:
        added += 1
        key = f"Task {100 + added}"
        w.write(w.text().rstrip("\n") + f"\n\n- [ ] **{key}: Added {added}**\n  - New work\n")
        expect.titles[key], expect.done[key] = f"Added {added}", False
    elif rng.random() < 0.1:
        remove_added_task(w, expect)
    return added


def remove_added_task(w: World, expect: Expect) -> None:
    extra = [i for i in tasks(parse_plan(w.text())) if i.key >= "Task 101" and len(i.key) > 7]
    if not extra or any(key in expect.titles or key in expect.done for key in [extra[0].key]):
        return
    lines = w.text().split("\n")
    start = extra[0].line - 1
    end = start + 1
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    w.write("\n".join(lines[:start] + lines[end:]))
    expect.removed.add(extra[0].key)


def edit_service(w: World, rng: random.Random, round_: int, expect: Expect) -> None:
    """Up to two edits on the service, on tasks the plan edits left alone."""
    plan = parse_plan(w.text())
    touched = set(expect.titles) | set(expect.done) | set(expect.descriptions) | expect.removed
    free = [i for i in tasks(plan) if i.key not in touched and i.issue_ref]
    for item in rng.sample(free, k=min(len(free), rng.randint(0, 2))):
        number = int(item.issue_ref.strip("#"))
        what = rng.choice(("state", "title", "body"))
        if what == "state":
            expect.done[item.key] = not item.checked
            change_issue(w, number, state="closed" if not item.checked else "open")
        elif what == "title":
            title = f"{item.title.split(' s')[0]} s{round_}"
            expect.titles[item.key] = title
            change_issue(w, number, title=title)
        else:
            body = issue(w, number)["body"]
            wording = f"Service wording {round_}"
            new = re.sub(r"(<!-- plansync:begin -->\n)[^\n<]*", rf"\1- {wording}", body, count=1)
            if new != body:
                expect.descriptions[item.key] = wording
                change_issue(w, number, body=new)


def issue(w: World, number: int) -> dict[str, Any]:
    return next(i for i in w.state()["issues"] if i["number"] == number)


def change_issue(w: World, number: int, **change: str) -> None:
    if w.provider == "github":
        w.sandbox.github_client().get_repo(world.REPO).get_issue(number).edit(**change)
        return
    handle: Any = w.sandbox.gitlab_client().projects.get(world.REPO).issues.get(number)
    if "state" in change:
        handle.state_event = "close" if change["state"] == "closed" else "reopen"
    if "title" in change:
        handle.title = change["title"]
    if "body" in change:
        handle.description = change["body"]
    handle.save()


def assert_no_unticking(text: str, before: str, expect: Expect) -> None:
    now = {i.key: i for i in parse_plan(text).items}
    for item in parse_plan(before).items:
        if item.checked and expect.done.get(item.key, True) and item.key in now:
            assert now[item.key].checked, f"{item.key} was unticked by a sync"


def check(w: World, expect: Expect, round_: int) -> None:
    plan = parse_plan(w.text())
    items = {i.key: i for i in tasks(plan)}
    issues = {i["number"]: i for i in w.state()["issues"]}
    world.assert_one_issue_per_key(w.keys())
    for key, item in items.items():
        assert item.issue_ref, f"round {round_}: {key} has no issue"
        found = issues[int(item.issue_ref.strip("#"))]
        assert found["title"] == item.title, f"round {round_}: {key} titles differ"
        assert (found["state"] == "closed") == item.checked, f"round {round_}: {key} state"
        if key in expect.titles:
            assert item.title == expect.titles[key], f"round {round_}: {key} rename lost"
        if key in expect.done:
            assert item.checked == expect.done[key], f"round {round_}: {key} tick lost"
        if key in expect.descriptions:
            wording = expect.descriptions[key]
            assert wording in item.description, f"round {round_}: {key} plan wording lost"
            assert wording in found["body"], f"round {round_}: {key} issue wording lost"
    for key in expect.removed:
        assert key not in items
