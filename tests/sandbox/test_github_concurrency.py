"""50 PyGithub clients creating issues at once get unique numbers, and nothing is lost."""

from __future__ import annotations

import threading

from plansync.sandbox import Sandbox

CLIENTS = 50
EACH = 3


def test_fifty_concurrent_clients(plansync_sandbox: Sandbox) -> None:
    plansync_sandbox.set_limits(content_per_minute=10_000, content_per_hour=10_000)
    start = threading.Barrier(CLIENTS)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        try:
            with plansync_sandbox.github_client() as gh:
                repo = gh.get_repo("octo/busy")
                start.wait(timeout=30)
                made = [repo.create_issue(f"c{index}-{n}").number for n in range(EACH)]
            with lock:
                numbers.extend(made)
        except BaseException as error:  # collected, so the main thread can fail the test
            errors.append(error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(numbers) == list(range(1, CLIENTS * EACH + 1))
    with plansync_sandbox.github_client(per_page=100) as gh:
        titles = {i.title for i in gh.get_repo("octo/busy").get_issues(state="all")}
    assert len(titles) == CLIENTS * EACH
    assert plansync_sandbox.stats()["writes"] == CLIENTS * EACH
