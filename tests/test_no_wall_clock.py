"""No test depends on wall-clock speed: time comes from an injected clock (`FakeTime`, the
sandbox's clock) and waiting for a server uses readiness signals (`wait_held`, `wait_idle`).

A loaded 2-core CI machine makes any real-time bound fail by chance, so the real clock is banned
here (a bound on elapsed time needs a reading of it; one on a fake clock's time is fine).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
BANNED = {
    "a real sleep or clock reading": re.compile(
        r"(?<![\w.])time\.(sleep|monotonic|perf_counter|time)\("
    ),
    "a Hypothesis deadline (use deadline=None)": re.compile(r"\bdeadline\s*=\s*(?!None\b)\w"),
}


def _offences(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for what, pattern in BANNED.items():
            if pattern.search(line):
                found.append(f"{number}: {what}: {line.strip()}")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TESTS.rglob("*.py") if p.name != Path(__file__).name),
    ids=lambda p: str(p.relative_to(TESTS)),
)
def test_no_wall_clock(path: Path) -> None:
    assert _offences(path.read_text(encoding="utf-8")) == []


def test_the_check_can_fail() -> None:
    real = "t = time.monotonic()\ntime.sleep(1)\n@settings(deadline=200)\n"
    assert len(_offences(real)) == 3
    assert _offences("fake.sleep(1)\nfake_time.time()\n@settings(deadline=None)\n") == []
