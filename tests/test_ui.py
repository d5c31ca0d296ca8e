"""What a person sees during a run: a bar only on a terminal, every long wait said."""

from __future__ import annotations

import io

from plansync.transport import Wait
from plansync.ui import Console


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_for_long_work() -> None:
    screen = Terminal()
    console = Console(stream=screen)
    console.progress("create Task 7", 6, 12)
    assert "[##########----------] 6/12 create Task 7" in screen.getvalue()
    console.done()
    assert screen.getvalue().endswith("\r")


def test_no_bar_in_a_log() -> None:
    log = io.StringIO()
    Console(stream=log).progress("create Task 7", 6, 12)
    assert log.getvalue() == ""


def test_a_wait_says_what_and_until_when_unless_quiet() -> None:
    wait = Wait("GitHub's secondary rate limit", 60.0, 1_767_225_660.0)
    log = io.StringIO()
    Console(stream=log).wait(wait)
    assert log.getvalue() == (
        "waiting 60 s for GitHub's secondary rate limit (until 00:01:00 UTC)\n"
    )
    quiet = io.StringIO()
    Console(-1, stream=quiet).wait(wait)
    assert quiet.getvalue() == ""


def test_verbose_lists_every_step() -> None:
    log = io.StringIO()
    Console(1, stream=log).progress("update Task 2", 0, 3)
    assert log.getvalue() == "  [1/3] update Task 2\n"
