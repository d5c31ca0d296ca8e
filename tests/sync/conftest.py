"""End-to-end sync fixtures: the real PyGithub client against the in-process sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from plansync.config import Config, Conflicts, Mapping_
from plansync.engine.changes import SyncPlan
from plansync.providers.github import GitHubProvider
from plansync.sandbox import Sandbox
from plansync.sync import Outcome, apply, compute
from tests.conftest import ROOT
from tests.transport.fakes import fast_transport

REPO = "acme/site"


@dataclass
class World:
    """A sandbox, a plan file in a fresh git work tree, and one-call sync helpers."""

    sandbox: Sandbox
    plan_path: Path
    config: Config

    def provider(self) -> GitHubProvider:
        return GitHubProvider(self.config.base_url, REPO, self.sandbox.token, fast_transport())

    def plan(self, **conflicts: str) -> SyncPlan:
        config = replace(self.config, conflicts=replace(self.config.conflicts, **conflicts))
        return compute(config, str(self.plan_path), self.provider())[1]

    def sync(self, direction: str = "both", **conflicts: str) -> tuple[SyncPlan, Outcome]:
        config = replace(self.config, conflicts=replace(self.config.conflicts, **conflicts))
        provider = self.provider()
        plan, changes = compute(config, str(self.plan_path), provider, direction)
        return changes, apply(config, str(self.plan_path), plan, changes, provider)

    def writes(self) -> int:
        return int(self.sandbox.stats()["writes"])

    def text(self) -> str:
        return self.plan_path.read_text(encoding="utf-8")

    def edit(self, old: str, new: str) -> None:
        text = self.text()
        assert old in text, old
        self.plan_path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def repo(self):  # type: ignore[no-untyped-def]
        return self.sandbox.github_client().get_repo(REPO)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    (tmp_path / ".git").mkdir()  # markers record the plan's path within the work tree
    plan_path = tmp_path / "docs" / "plan.md"
    plan_path.parent.mkdir()
    shutil.copy(ROOT / "examples" / "plan.md", plan_path)
    with Sandbox() as sandbox:
        config = Config(
            provider="github",
            repo=REPO,
            base_url=sandbox.github_url,
            token_env="GITHUB_TOKEN",
            plans=(str(plan_path),),
            mapping=Mapping_(),
            conflicts=Conflicts(),
        )
        yield World(sandbox, plan_path, config)
