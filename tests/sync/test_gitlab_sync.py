"""plan <-> GitLab, both ways, through python-gitlab and the sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from plansync.config import Config
from plansync.engine.changes import SyncPlan
from plansync.engine.desired import desired_state
from plansync.plan import parse_plan
from plansync.providers import connect
from plansync.sandbox import Sandbox
from plansync.sync import Outcome, apply, compute
from tests.conftest import ROOT, shared_dir
from tests.sync.test_corpus_sync import FILES as SYNCABLE
from tests.transport.fakes import fast_transport

PROJECT = "acme/site"
CORPUS = shared_dir() / "corpus" / "plans"


@dataclass
class Lab:
    sandbox: Sandbox
    plan_path: Path
    config: Config

    def sync(self, **conflicts: str) -> tuple[SyncPlan, Outcome]:
        config = replace(self.config, conflicts=replace(self.config.conflicts, **conflicts))
        provider = connect(config, self.sandbox.token, fast_transport())
        plan, changes = compute(config, str(self.plan_path), provider)
        return changes, apply(config, str(self.plan_path), plan, changes, provider)

    def plan(self) -> SyncPlan:
        return compute(
            self.config,
            str(self.plan_path),
            connect(self.config, self.sandbox.token, fast_transport()),
        )[1]

    def project(self):  # type: ignore[no-untyped-def]
        return self.sandbox.gitlab_client().projects.get(self.config.repo)

    def issue(self, key: str):  # type: ignore[no-untyped-def]
        for issue in self.project().issues.list(get_all=True, state="all"):
            if f'"key":"{key}"' in (issue.description or ""):
                return issue
        raise AssertionError(key)

    def text(self) -> str:
        return self.plan_path.read_text(encoding="utf-8")

    def edit(self, old: str, new: str) -> None:
        self.plan_path.write_text(self.text().replace(old, new, 1), encoding="utf-8")


def make_lab(sandbox: Sandbox, tmp_path: Path, source: Path, project: str = PROJECT) -> Lab:
    (tmp_path / ".git").mkdir(exist_ok=True)
    plan_path = tmp_path / "plan.md"
    shutil.copy(source, plan_path)
    config = Config(
        provider="gitlab",
        repo=project,
        base_url=sandbox.url,
        token_env="GITLAB_TOKEN",
        plans=(str(plan_path),),
    )
    return Lab(sandbox, plan_path, config)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    with Sandbox() as sandbox:
        yield make_lab(sandbox, tmp_path, ROOT / "examples" / "plan.md")


def test_first_sync_then_zero_write_resync(lab: Lab) -> None:
    lab.sync()
    project = lab.project()
    assert len(project.issues.list(get_all=True, state="all")) == 14
    assert sorted(m.title for m in project.milestones.list(get_all=True)) == [
        "Phase 1: Foundation and Setup",
        "Phase 2: Backend Implementation",
        "Phase 3: Frontend Implementation",
        "Phase 4: Integration and Testing",
    ]
    task1, task2 = lab.issue("Task 1"), lab.issue("Task 2")
    assert task1.state == "closed" and task2.milestone["title"] == "Phase 1: Foundation and Setup"
    links = task2.links.list(get_all=True)  # GitLab lists a link from both ends
    assert [link.iid for link in links if link.link_type == "is_blocked_by"] == [task1.iid]
    assert f"**Task 2: Invitation Tokens** (#{task2.iid})" in lab.text()
    before = lab.sandbox.stats()["writes"]
    assert lab.plan().in_sync
    lab.sync()
    assert lab.sandbox.stats()["writes"] == before


def test_both_directions_on_gitlab(lab: Lab) -> None:
    lab.sync()
    issue = lab.issue("Task 3")
    issue.state_event = "close"
    issue.title = "Invitation REST API"
    issue.save()
    lab.edit("- [ ] **Task 4", "- [x] **Task 4")
    lab.edit("  - Expire tokens after 7 days", "  - Expire tokens after 3 days")
    lab.sync()
    assert "- [x] **Task 3: Invitation REST API**" in lab.text()
    assert lab.issue("Task 4").state == "closed"
    assert "Expire tokens after 3 days" in lab.issue("Task 2").description
    issue = lab.issue("Task 3")
    issue.state_event = "reopen"
    issue.save()
    lab.sync()
    assert "- [ ] **Task 3: Invitation REST API**" in lab.text()
    assert lab.plan().in_sync


def test_removed_task_and_conflict_on_gitlab(lab: Lab) -> None:
    lab.sync()
    text = lab.text()
    lab.plan_path.write_text(
        text[: text.index("- [ ] **Task 9")] + text[text.index("## Quality Gates") :]
    )
    lab.edit("Task 2: Invitation Tokens", "Task 2: Tokens A")
    issue = lab.issue("Task 2")
    issue.title = "Tokens B"
    issue.save()
    changes, _ = lab.sync()
    removed = lab.issue("Task 9")
    assert removed.state == "closed"
    assert any("no longer in" in note.body for note in removed.notes.list(get_all=True))
    assert [c.field for c in changes.conflicts] == ["title"]
    assert lab.issue("Task 2").title == "Tokens B" and "Tokens A" in lab.text()


def test_free_tier_falls_back_to_related_links(tmp_path: Path) -> None:
    with Sandbox(config={"gitlab": {"tier": "free"}}) as sandbox:
        lab = make_lab(sandbox, tmp_path, ROOT / "examples" / "plan.md")
        lab.sync()
        task1, task2 = lab.issue("Task 1"), lab.issue("Task 2")
        links = {(x.iid, x.link_type) for x in task2.links.list(get_all=True)}
        assert (task1.iid, "relates_to") in links
        assert all(kind == "relates_to" for _, kind in links)
        assert "- **Depends on:** Task 1" in task2.description
        assert lab.plan().in_sync


@pytest.fixture(scope="module")
def corpus_sandbox() -> Iterator[Sandbox]:
    with Sandbox(
        config={
            "gitlab": {
                "issues_per_minute": 10**9,
                "notes_per_minute": 10**9,
                "requests_per_minute": 10**9,
            }
        }
    ) as sandbox:
        yield sandbox


@pytest.mark.parametrize("source", SYNCABLE, ids=lambda p: p.name)
def test_corpus_plan_syncs_to_gitlab(corpus_sandbox: Sandbox, source: Path, tmp_path: Path) -> None:
    lab = make_lab(corpus_sandbox, tmp_path, source, f"corpus/{source.stem[:40]}")
    lab.sync()
    wanted = desired_state(parse_plan(source.read_text(encoding="utf-8")), lab.config.mapping)
    project = lab.project()
    assert sorted(i.title for i in project.issues.list(get_all=True, state="all")) == sorted(
        w.title for w in wanted.issues
    )
    assert len(project.milestones.list(get_all=True)) == len(wanted.milestones)
    before = corpus_sandbox.stats()["writes"]
    assert lab.plan().in_sync
    assert corpus_sandbox.stats()["writes"] == before


def test_description_and_not_planned_flow_from_gitlab_to_the_plan(lab: Lab) -> None:
    lab.sync()
    issue = lab.issue("Task 7")
    issue.description = "Added above by a person.\n\n" + issue.description.replace(
        "Clear messages for expired", "Friendly messages for expired"
    )
    issue.save()
    lab.sync()
    assert "  - Friendly messages for expired, revoked and already-used invitations" in lab.text()
    assert lab.issue("Task 7").description.startswith("Added above by a person.")
    skipped = lab.issue("Task 6")  # GitLab has no close reason: the label says "not planned"
    skipped.state_event = "close"
    skipped.labels = [*skipped.labels, "closed: not planned"]
    skipped.save()
    lab.sync()
    assert "- [~] **Task 6: Invite Dialog**" in lab.text()
    assert lab.plan().in_sync


@pytest.mark.parametrize(
    ("policy", "plan_title", "issue_title"),
    [("plan-wins", "Tokens A", "Tokens A"), ("remote-wins", "Tokens B", "Tokens B")],
)
def test_conflict_policies_on_gitlab(
    lab: Lab, policy: str, plan_title: str, issue_title: str
) -> None:
    lab.sync()
    lab.edit("Task 2: Invitation Tokens", "Task 2: Tokens A")
    issue = lab.issue("Task 2")
    issue.title = "Tokens B"
    issue.save()
    changes, _ = lab.sync(text=policy)
    assert not changes.conflicts
    assert f"**Task 2: {plan_title}**" in lab.text() and lab.issue("Task 2").title == issue_title
    assert lab.plan().in_sync


def test_renumbered_and_moved_task_keeps_its_gitlab_issue(lab: Lab) -> None:
    lab.sync()
    iid = lab.issue("Task 9").iid
    text = lab.text()
    block = text[text.index("- [ ] **Task 9") : text.index("## Quality Gates")]
    text = text.replace(block, "")
    moved = block.replace("Task 9: Launch Behind a Feature Flag", "Task 12: Launch for Everyone")
    text = text.replace(
        "- [ ] **Task 3: Invitation API**", moved + "- [ ] **Task 3: Invitation API**"
    )
    lab.plan_path.write_text(text)
    lab.sync()
    issue = lab.project().issues.get(iid)
    assert issue.title == "Launch for Everyone"
    assert issue.milestone["title"] == "Phase 2: Backend Implementation"
    assert len(lab.project().issues.list(get_all=True, state="all")) == 14
    assert lab.plan().in_sync
