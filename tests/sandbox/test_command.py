"""`plansync sandbox`: starts fast, prints URLs and a token, serves, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from click.testing import CliRunner

from plansync.cli import cli


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str], float]:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", "from plansync.cli import main; main()", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Press Ctrl-C"):
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        lines.append(line.rstrip("\n"))
    return process, lines, time.monotonic() - started


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    return process.returncode, err


def test_starts_within_a_second_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process, lines, elapsed = _start("--token", "demo", "--state", str(tmp_path / "s.json"))
    try:
        url = lines[0].rsplit(" ", 1)[-1]
        assert elapsed < 1.0, f"took {elapsed:.2f}s"
        text = "\n".join(lines)
        assert f"{url}/api/v3" in text and f"{url}/api/v4" in text and "demo" in text
        answer = requests.post(
            f"{url}/api/v3/repos/o/r/issues",
            json={"title": "t"},
            headers={"Authorization": "token demo"},
            timeout=10,
        )
        assert answer.status_code == 201
    finally:
        code, err = _stop(process)
    assert code == 0, err
    assert "stopped" in err
    assert "o/r" in (tmp_path / "s.json").read_text()


def test_a_bad_fault_spec_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--faults", "*: explode"])
    assert result.exit_code == 2
    assert "explode" in result.output


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["sandbox", "--help"])
    assert result.exit_code == 0
    assert "Example: plansync sandbox" in result.output
    for option in ("--host", "--port", "--token", "--state", "--latency-ms", "--faults", "--seed"):
        assert option in result.output
