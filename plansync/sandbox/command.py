"""`plansync sandbox`: run the GitHub/GitLab-compatible server in the foreground until Ctrl-C."""

from __future__ import annotations

import errno
import signal
import threading
from types import FrameType

import click

from plansync.errors import ConfigError
from plansync.sandbox import Sandbox
from plansync.sandbox.faults import FaultSpecError


def listen(server: Sandbox) -> None:
    """Start `server`; a port in use or an address that cannot be bound is a one-line error."""
    try:
        server.start()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {server.port} is in use; pass --port 0 for a free one"
            ) from error
        reason = error.strerror or str(error)
        raise ConfigError(f"cannot listen on {server.host}:{server.port}: {reason}") from error


def banner(sandbox: Sandbox, state: str | None) -> str:
    lines = [
        f"plansync sandbox listening on {sandbox.url}",
        f"  GitHub API   {sandbox.url}  (also {sandbox.github_url})",
        f"  GitLab API   {sandbox.url}/api/v4  (python-gitlab url: {sandbox.gitlab_url})",
        f"  token        {sandbox.token}",
        f"  admin        {sandbox.url}/_sandbox/stats  (send the token, as for the API)",
    ]
    if state:
        lines.append(f"  state file   {state}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


@click.command(name="sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=0, type=int, show_default=True, help="Port; 0 picks a free one.")
@click.option("--token", help="The token clients must send (default: generated, or the saved one).")
@click.option("--state", type=click.Path(dir_okay=False), help="JSON file that keeps the data.")
@click.option("--latency-ms", default=0, type=int, help="Delay every API response this long.")
@click.option("--faults", default="", help="Fault rules, e.g. 'POST /repos/*/issues: 503 @2'.")
@click.option("--seed", default=0, type=int, show_default=True, help="Seed for random faults.")
@click.option("--time-scale", type=float, help="Run rate-limit clocks this many times faster.")
def sandbox(
    host: str,
    port: int,
    token: str | None,
    state: str | None,
    latency_ms: int,
    faults: str,
    seed: int,
    time_scale: float | None,
) -> None:
    """Run a local GitHub- and GitLab-compatible API server for demos and tests.

    It prints the base URLs and a token, serves until Ctrl-C, and exits 0.
    The admin API (reset, seed, faults, limits, stats) lives under /_sandbox/;
    see docs/sandbox.md.

    Example: plansync sandbox --port 8765 --token demo --state sandbox.json
    """
    config = {"time_scale": time_scale} if time_scale else None
    try:
        server = Sandbox(host, port, token, state, latency_ms, faults, seed, config)
    except FaultSpecError as error:
        raise click.BadParameter(str(error), param_hint="--faults") from error
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    listen(server)
    previous = signal.signal(signal.SIGTERM, on_term)
    click.echo(banner(server, state))
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass  # Ctrl-C is how this command is meant to end
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    click.echo("sandbox stopped", err=True)
