"""Several plans in one repository, each with its own label and milestone prefix, do not
interfere: each keeps its own issues and milestones, and re-syncs make no writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from plansync.config import Config
from plansync.engine.policy import Mapping_
from plansync.providers.github import GitHubProvider
from plansync.sandbox import Sandbox
from plansync.sync import apply, compute
from tests.conftest import ROOT
from tests.transport.fakes import fast_transport

REPO = "acme/site"


def plan_config(sandbox: Sandbox, path: Path, label: str, prefix: str) -> Config:
    mapping = Mapping_(label=label, milestone_prefix=prefix)
    return Config(
        provider="github",
        repo=REPO,
        base_url=sandbox.github_url,
        plans=(str(path),),
        mapping=mapping,
    )


def sync(sandbox: Sandbox, config: Config) -> int:
    """Sync; return the writes it made."""
    before = sandbox.stats()["writes"]
    provider = GitHubProvider(config.base_url, REPO, sandbox.token, fast_transport())
    plan, changes = compute(config, config.plans[0], provider)
    apply(config, config.plans[0], plan, changes, provider)
    return int(sandbox.stats()["writes"]) - before


def two_plans(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / ".git").mkdir()
    paths = (tmp_path / "backend.md", tmp_path / "frontend.md")
    for path in paths:  # the same phases and task numbers in both
        shutil.copy(ROOT / "examples" / "plan.md", path)
    return paths


def test_two_plans_with_their_own_labels_and_prefixes_keep_apart(tmp_path: Path) -> None:
    backend, frontend = two_plans(tmp_path)
    with Sandbox() as sandbox:
        a = plan_config(sandbox, backend, "backend", "Backend: ")
        b = plan_config(sandbox, frontend, "frontend", "Frontend: ")
        assert sync(sandbox, a) > 0 and sync(sandbox, b) > 0
        assert sync(sandbox, a) == 0 and sync(sandbox, b) == 0
        repo = sandbox.github_client().get_repo(REPO)
        assert len(list(repo.get_issues(state="all"))) == 2 * 14
        titles = sorted(m.title for m in repo.get_milestones(state="all"))
        assert len(titles) == 8 and titles[0].startswith("Backend: ")
        # a tick in one plan closes only that plan's issue
        backend.write_text(
            backend.read_text().replace("- [ ] **Task 2:", "- [x] **Task 2:"), encoding="utf-8"
        )
        assert sync(sandbox, a) == 1 and sync(sandbox, b) == 0


def test_without_a_prefix_the_second_plan_says_whose_milestone_it_is(tmp_path: Path) -> None:
    backend, frontend = two_plans(tmp_path)
    with Sandbox() as sandbox:
        a = plan_config(sandbox, backend, "backend", "")
        b = plan_config(sandbox, frontend, "frontend", "")
        sync(sandbox, a)
        provider = GitHubProvider(b.base_url, REPO, sandbox.token, fast_transport())
        changes = compute(b, str(frontend), provider)[1]
        assert not changes.milestones  # nothing taken from the other plan
        assert any("belongs to backend.md" in note.text for note in changes.notes)
        sync(sandbox, b)
        assert sync(sandbox, a) == 0 and sync(sandbox, b) == 0
        repo = sandbox.github_client().get_repo(REPO)
        assert len(list(repo.get_milestones(state="all"))) == 4
