"""What a person sees while a run works: progress on long work and every long wait.

Progress is drawn only on a terminal; waits are always told (on stderr) unless --quiet, so a
scheduled job's log says why it took an hour.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import TextIO

import click

from plansync.transport import Wait


class Console:
    def __init__(self, verbosity: int = 0, stream: TextIO | None = None) -> None:
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._drawn = False

    def progress(self, step: str, done: int, total: int) -> None:
        """One unit of long work starts ("create Task 4"), `done` of `total` before it."""
        if self.verbosity > 0:
            click.echo(f"  [{done + 1}/{total}] {step}", file=self.stream)
        elif self.tty and self.verbosity == 0 and total >= 10:  # short work needs no bar
            filled = int(20 * done / total) if total else 20
            bar = "#" * filled + "-" * (20 - filled)
            line = f"\r  [{bar}] {done}/{total} {step[:40]:<40}"
            click.echo(line, nl=False, file=self.stream)
            self._drawn = True

    def wait(self, wait: Wait) -> None:
        if self.verbosity < 0:
            return
        until = datetime.fromtimestamp(wait.until, tz=timezone.utc).strftime("%H:%M:%S UTC")
        self._clear()
        click.echo(
            f"waiting {wait.seconds:.0f} s for {wait.reason} (until {until})", file=self.stream
        )

    def info(self, text: str) -> None:
        if self.verbosity >= 0:
            self._clear()
            click.echo(text, file=self.stream)

    def done(self) -> None:
        self._clear()

    def _clear(self) -> None:
        if self._drawn:
            click.echo("\r" + " " * 76 + "\r", nl=False, file=self.stream)
            self._drawn = False
