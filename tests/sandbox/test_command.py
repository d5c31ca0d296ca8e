"""`plansync sandbox`: prints URLs and a token once ready, serves, stops cleanly on Ctrl-C; a
port in use is a one-line error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from plansync.cli import cli, main
from plansync.sandbox import Sandbox


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start the command and read its banner: the last line is printed once it serves."""
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
    return process, lines


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    return process.returncode, err


def test_serves_once_ready_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process, lines = _start("--token", "demo", "--state", str(tmp_path / "s.json"))
    try:
        url = lines[0].rsplit(" ", 1)[-1]
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


def test_a_port_in_use_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox() as taken, pytest.raises(SystemExit) as exited:
        main(["sandbox", "--port", str(taken.port)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err == f"error: port {taken.port} is in use; pass --port 0 for a free one\n"


def test_an_address_that_cannot_be_bound_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sandbox", "--host", "192.0.2.1", "--port", "0"])  # TEST-NET: not ours
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot listen on 192.0.2.1:0: ") and err.count("\n") == 1
