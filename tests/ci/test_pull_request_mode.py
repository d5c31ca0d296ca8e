"""Pull-request mode (`commit-mode: pull-request`): the synced plan is proposed from one
branch per plan (`plansync/<plan path>`) instead of committed to the base branch; later runs
update the same branch and the same pull / merge request. GitHub through `plansync action`,
GitLab through `plansync gitlab-ci`, against the sandbox with the real clients."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from plansync.publish import edits_between, head_branch
from plansync.sandbox import Sandbox
from tests.ci.test_action import PLAN, Runner, runner
from tests.ci.test_gitlab_ci import PROJECT, job
from tests.conftest import ROOT

__all__ = ["runner"]  # the fixture, imported for this module's tests
HEAD = "plansync/docs-plan-md"
PR_MODE = {"PLANSYNC_COMMIT_MODE": "pull-request"}


def closed(runner: Runner, number: int) -> subprocess.CompletedProcess[str]:
    """Close issue `number` on GitHub, then run the Action as the `issues` event starts it,
    from a fresh checkout of the base branch."""
    issue = runner.repo().get_issue(number)
    issue.edit(state="closed")
    runner.checkout()
    payload = {
        "action": "closed",
        "issue": {"number": number, "labels": [{"name": "plan"}], "body": issue.body},
        "sender": {"login": "alice"},
    }
    return runner.action("issues", payload, **PR_MODE)


def proposed(runner: Runner) -> str:
    found = runner.repo().get_contents(PLAN, ref=HEAD)
    return str(found.decoded_content.decode("utf-8"))


def open_pulls(runner: Runner) -> list[Any]:
    return list(runner.repo().get_pulls(state="open"))


def posts(sandbox: Sandbox, suffix: str) -> list[dict[str, Any]]:
    """The POSTs the sandbox answered on routes ending in `suffix`, with their faults."""
    return [
        r
        for r in sandbox.requests()
        if r["method"] == "POST" and str(r["route"] or "").endswith(suffix)
    ]


def ticked(number: int, title: str) -> str:
    return f"- [x] **Task {number}: {title}** (#{number})"


@pytest.fixture
def synced(runner: Runner) -> Runner:
    """Issues made and their references committed (contents mode), the checkout current."""
    result = runner.action("workflow_dispatch", {})
    assert result.returncode == 0, result.stderr
    runner.checkout()
    return runner


def test_a_closed_issue_is_proposed_and_the_base_branch_is_unchanged(synced: Runner) -> None:
    before = synced.remote_plan()
    result = closed(synced, 4)
    assert result.returncode == 0, result.stderr
    assert synced.remote_plan() == before  # nothing committed to main
    assert ticked(4, "Accepting an Invitation") in proposed(synced)
    [pull] = open_pulls(synced)
    assert (pull.head.ref, pull.base.ref) == (HEAD, "main")
    assert "<!-- plansync-proposal " in pull.body
    outputs = synced.outputs()
    assert outputs["pull-request"] == pull.html_url and outputs["plan-changed"] == "true"
    assert pull.html_url in result.stdout


def test_a_second_run_updates_the_same_branch_and_pull_request(synced: Runner) -> None:
    assert closed(synced, 4).returncode == 0
    [first] = open_pulls(synced)
    result = closed(synced, 5)  # the checkout is main again: the tick of 4 is not in it
    assert result.returncode == 0, result.stderr
    [pull] = open_pulls(synced)
    assert pull.number == first.number
    plan = proposed(synced)
    assert ticked(4, "Accepting an Invitation") in plan and ticked(5, "Invitation Emails") in plan
    assert synced.repo().get_issue(4).state == "closed"  # the pending tick was not undone
    assert "- [ ] **Task 4:" in synced.remote_plan()
    assert synced.outputs()["pull-request"] == pull.html_url


def test_a_run_with_nothing_new_leaves_the_proposal_alone(synced: Runner) -> None:
    assert closed(synced, 4).returncode == 0
    synced.sandbox.reset_stats()
    synced.checkout()
    result = synced.action("workflow_dispatch", {}, **PR_MODE)
    assert result.returncode == 0, result.stderr
    assert synced.sandbox.stats()["writes"] == 0
    assert synced.outputs()["plan-changed"] == "false"
    assert synced.outputs()["pull-request"] == open_pulls(synced)[0].html_url


def test_a_commit_to_the_base_branch_is_carried_into_the_proposal(synced: Runner) -> None:
    assert closed(synced, 4).returncode == 0
    renamed = synced.remote_plan().replace("Task 7: Join Page", "Task 7: Join Page, renamed")
    synced.push(renamed)  # a person's commit on main while the proposal is open
    result = closed(synced, 5)
    assert result.returncode == 0, result.stderr
    plan = proposed(synced)
    assert "Task 7: Join Page, renamed" in plan
    assert ticked(4, "Accepting an Invitation") in plan and ticked(5, "Invitation Emails") in plan
    assert synced.repo().get_issue(4).state == "closed"
    assert synced.repo().get_issue(7).title == "Join Page, renamed"
    assert len(open_pulls(synced)) == 1


def test_a_lost_answer_to_the_pull_request_create_makes_no_second_one(synced: Runner) -> None:
    synced.sandbox.set_faults("POST /repos/*/pulls: lost-response @1")
    result = closed(synced, 4)
    assert result.returncode == 0, result.stderr
    [pull] = open_pulls(synced)
    assert synced.outputs()["pull-request"] == pull.html_url
    assert len(list(synced.repo().get_pulls(state="all"))) == 1
    [lost] = posts(synced.sandbox, "/pulls")  # looked up, found, and not sent again
    assert lost["fault"] is not None


def test_a_lost_answer_to_the_branch_create_is_looked_up(synced: Runner) -> None:
    synced.sandbox.set_faults("POST /repos/*/git/refs: lost-response @1")
    result = closed(synced, 4)
    assert result.returncode == 0, result.stderr
    assert ticked(4, "Accepting an Invitation") in proposed(synced)
    assert len(open_pulls(synced)) == 1
    [lost] = posts(synced.sandbox, "/git/refs")
    assert lost["fault"] is not None


def test_an_unknown_commit_mode_is_one_clear_line(runner: Runner) -> None:
    result = runner.action("workflow_dispatch", {}, PLANSYNC_COMMIT_MODE="pr")
    assert result.returncode == 1
    assert "commit-mode" in result.stderr and "'pr'" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert runner.sandbox.stats()["requests"] == 0


def test_the_head_branch_is_one_per_plan_file() -> None:
    assert head_branch("docs/plan.md") == HEAD
    assert head_branch("Plans/Q3 Roadmap.md") == "plansync/plans-q3-roadmap-md"
    assert head_branch("docs/plan.md") != head_branch("docs/other.md")


def test_edits_between_says_only_what_edits_can_say() -> None:
    text = (ROOT / "examples" / "plan.md").read_text(encoding="utf-8")
    ticked_text = text.replace("- [ ] **Task 4:", "- [x] **Task 4:", 1)
    edits = edits_between(text, ticked_text, PLAN)
    assert edits is not None and len(edits) == 1
    assert edits_between(text, text + "\nA new paragraph.\n", PLAN) is None
    assert edits_between(text, text.replace("**Task 4:", "**Task 40:", 1), PLAN) is None


# GitLab: the same through `plansync gitlab-ci`, with a merge request.


def test_gitlab_proposes_in_one_merge_request(tmp_path: Path) -> None:
    workspace = tmp_path / "checkout"
    (workspace / "docs").mkdir(parents=True)
    (workspace / "plansync.yaml").write_text(
        f"provider: gitlab\nrepo: {PROJECT}\nplans: [{PLAN}]\nwrite_interval: 0\n",
        encoding="utf-8",
    )
    text = (ROOT / "examples" / "plan.md").read_text(encoding="utf-8")
    with Sandbox() as sandbox:
        project = sandbox.gitlab_client().projects.get(PROJECT)
        project.files.create(
            {"file_path": PLAN, "branch": "main", "content": text, "commit_message": "plan"}
        )

        def main_plan() -> str:
            return str(project.files.get(PLAN, ref="main").decode().decode("utf-8"))

        def close_and_run(iid: int) -> subprocess.CompletedProcess[str]:
            project.issues.update(iid, {"state_event": "close"})
            (workspace / PLAN).write_text(main_plan(), encoding="utf-8")  # a fresh checkout
            return job(sandbox, workspace, **PR_MODE)

        (workspace / PLAN).write_text(text, encoding="utf-8")
        assert job(sandbox, workspace).returncode == 0  # issues and references on main
        before = main_plan()
        sandbox.set_faults("POST /projects/*/merge_requests: lost-response @1")
        result = close_and_run(4)
        assert result.returncode == 0, result.stderr
        assert main_plan() == before
        [mr] = project.mergerequests.list(state="opened", get_all=True)
        assert (mr.source_branch, mr.target_branch) == (HEAD, "main")
        head = project.files.get(PLAN, ref=HEAD).decode().decode("utf-8")
        assert ticked(4, "Accepting an Invitation") in head
        [lost] = posts(sandbox, "/merge_requests")  # looked up, found, and not sent again
        assert lost["fault"] is not None

        result = close_and_run(5)
        assert result.returncode == 0, result.stderr
        assert [m.iid for m in project.mergerequests.list(state="all", get_all=True)] == [mr.iid]
        head = project.files.get(PLAN, ref=HEAD).decode().decode("utf-8")
        assert ticked(4, "Accepting an Invitation") in head
        assert ticked(5, "Invitation Emails") in head
        assert project.issues.get(4).state == "closed"
        assert main_plan() == before
