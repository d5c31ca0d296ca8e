"""First sync of every real plan in the shared corpus, then a re-sync that writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plansync.config import Config
from plansync.engine.desired import desired_state
from plansync.errors import PlansyncError
from plansync.plan import parse_plan, validate
from plansync.providers.github import GitHubProvider
from plansync.sandbox import Sandbox
from plansync.sync import apply, compute
from tests.conftest import shared_dir
from tests.transport.fakes import fast_transport

CORPUS = shared_dir() / "corpus" / "plans"
ALL = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def has_duplicate_keys(path: Path) -> bool:
    plan = parse_plan(path.read_text(encoding="utf-8"))
    return any(problem.code == "duplicate-key" for problem in validate(plan))


# A plan whose task numbers repeat is ambiguous: sync refuses it (validate says where).
REFUSED = [path for path in ALL if has_duplicate_keys(path)]
FILES = [path for path in ALL if path not in REFUSED]


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    with Sandbox() as server:
        # Rate limits are the resilience layer's business; here they would only slow us.
        server.set_limits(rate_limit=10**9, content_per_minute=10**9, content_per_hour=10**9)
        yield server


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.name)
def test_corpus_plan_syncs_and_resyncs_with_zero_writes(
    sandbox: Sandbox, source: Path, tmp_path: Path
) -> None:
    (tmp_path / ".git").mkdir()
    plan_path = tmp_path / source.name
    shutil.copy(source, plan_path)
    repo = f"corpus/{source.stem[:40]}"
    config = Config(
        provider="github",
        repo=repo,
        base_url=sandbox.github_url,
        token_env="GITHUB_TOKEN",
        plans=(str(plan_path),),
    )
    provider = GitHubProvider(config.base_url, repo, sandbox.token, fast_transport())
    plan, changes = compute(config, str(plan_path), provider)
    apply(config, str(plan_path), plan, changes, provider)

    wanted = desired_state(parse_plan(source.read_text(encoding="utf-8")), config.mapping)
    client_repo = sandbox.github_client().get_repo(repo)
    issues = list(client_repo.get_issues(state="all"))
    tasks = [i for i in wanted.issues if not i.derived]
    assert len(issues) == len(wanted.issues)
    assert sorted(i.title for i in issues) == sorted(w.title for w in wanted.issues)
    assert len(list(client_repo.get_milestones(state="all"))) == len(wanted.milestones)
    blocked = sum(len(w.blocked_by) for w in tasks)
    assert sum(i.issue_dependencies_summary.total_blocked_by for i in issues) == blocked

    before = sandbox.stats()["writes"]
    again = compute(
        config,
        str(plan_path),
        GitHubProvider(config.base_url, repo, sandbox.token, fast_transport()),
    )[1]
    assert again.in_sync, again
    assert sandbox.stats()["writes"] == before
    text = plan_path.read_text(encoding="utf-8")
    assert parse_plan(text).items and all(
        i.issue_ref for i in parse_plan(text).items if i.kind.value == "task"
    )


def test_the_corpus_has_plans_of_both_kinds() -> None:
    assert len(FILES) >= 30 and REFUSED, (len(FILES), REFUSED)


@pytest.mark.parametrize("source", REFUSED, ids=lambda p: p.name)
def test_a_plan_with_repeated_task_numbers_is_refused_before_any_write(
    sandbox: Sandbox, source: Path, tmp_path: Path
) -> None:
    plan_path = tmp_path / source.name
    shutil.copy(source, plan_path)
    repo = f"refused/{source.stem[:40]}"
    config = Config(
        provider="github", repo=repo, base_url=sandbox.github_url, plans=(str(plan_path),)
    )
    provider = GitHubProvider(config.base_url, repo, sandbox.token, fast_transport())
    before = sandbox.stats()["writes"]
    with pytest.raises(PlansyncError, match=r"duplicate key .*; sync refused"):
        compute(config, str(plan_path), provider)
    assert sandbox.stats()["writes"] == before
    assert plan_path.read_bytes() == source.read_bytes()
