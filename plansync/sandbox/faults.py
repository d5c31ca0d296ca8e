"""Fault injection: the SPEC grammar, and which faults a request gets (deterministic per seed).

    SPEC    := RULE (";" RULE)*
    RULE    := [METHOD " "] PATH ":" ACTION [" " TRIGGER]
    ACTION  := 500 | 502 | 503 | reset | lost-response | malformed | latency <N>ms | hold
    TRIGGER := @N (the Nth matching request) | @N+ (the Nth and later) | %N (every Nth) | ~P (rate)

PATH is a glob where `*` matches anything, `/` included, tried against the path with and without
its service prefix (/api/v3, /api/v4). See docs/sandbox.md for examples.
"""

from __future__ import annotations

import enum
import fnmatch
import random
import re
import threading
from dataclasses import dataclass
from typing import Any

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "*"}


class FaultSpecError(ValueError):
    """A SPEC that does not follow the grammar; the message quotes the bad rule."""


class Kind(enum.Enum):
    ERROR = "error"  # answer 500/502/503 without running the handler
    LATENCY = "latency"  # wait, then answer normally
    RESET = "reset"  # reset the connection before anything happens
    LOST = "lost-response"  # run the handler (the write takes effect), then reset
    MALFORMED = "malformed"  # run the handler, send a truncated body
    HOLD = "hold"  # wait (admitted, in flight) until the test releases it, then answer normally


WAITS = (Kind.LATENCY, Kind.HOLD)  # kinds that only delay: they combine with one other fault


class Gate:
    """Where `hold` faults wait: a test waits for a request to be held (a readiness signal that
    needs no timing), acts, then releases every held request at once."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = 0
        self._round = 0
        self.total = 0  # requests held since start

    def hold(self) -> None:
        with self._cond:
            entered = self._round
            self._held += 1
            self.total += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._round != entered)
            self._held -= 1

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> bool:
        """True once `count` requests are held; False if `timeout` real seconds pass first (a
        safety net for a broken test, not a timing assumption)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._held >= count, timeout)

    def release(self) -> None:
        with self._cond:
            self._round += 1
            self._cond.notify_all()


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    kind: Kind
    status: int = 0
    latency_ms: int = 0
    nth: int | None = None
    onward: bool = False
    every: int | None = None
    rate: float | None = None
    text: str = ""

    def matches(self, method: str, paths: tuple[str, ...]) -> bool:
        """Whether the rule applies; `paths` are the spellings of one path (with and without
        the service prefix), so `/repos/*` also catches `/api/v3/repos/...`."""
        return self.method in ("*", method) and any(
            fnmatch.fnmatchcase(p, self.path) for p in paths
        )

    def fires(self, count: int, roll: float) -> bool:
        """Whether the `count`-th matching request (1-based) is hit; `roll` is uniform in [0, 1)."""
        if self.nth is not None:
            return count >= self.nth if self.onward else count == self.nth
        if self.every is not None:
            return count % self.every == 0
        if self.rate is not None:
            return roll < self.rate
        return True


@dataclass(frozen=True)
class Fault:
    kind: Kind
    status: int = 0
    latency_ms: int = 0
    rule: str = ""


_TRIGGER = re.compile(r"^(?:@(?P<nth>\d+)(?P<onward>\+)?|%(?P<every>\d+)|~(?P<rate>[0-9.]+))$")


def _action(words: list[str], text: str) -> tuple[Kind, int, int]:
    if not words:
        raise FaultSpecError(f"no action in fault rule {text!r}")
    head = words[0].lower()
    if head in ("500", "502", "503"):
        return Kind.ERROR, int(head), 0
    if head == "latency" and len(words) > 1:
        match = re.fullmatch(r"(\d+)(ms|s)?", words[1])
        if match:
            scale = 1000 if match.group(2) == "s" else 1
            return Kind.LATENCY, 0, int(match.group(1)) * scale
    for kind in (Kind.RESET, Kind.LOST, Kind.MALFORMED, Kind.HOLD):
        if head == kind.value:
            return kind, 0, 0
    raise FaultSpecError(f"unknown action {' '.join(words)!r} in fault rule {text!r}")


def parse_rule(text: str) -> Rule:
    target, colon, action = text.strip().partition(":")
    if not colon:
        raise FaultSpecError(f"fault rule {text!r} needs 'PATH: ACTION'")
    head = target.split()
    if not head:
        raise FaultSpecError(f"no path in fault rule {text!r}")
    method, path = ("*", head[0]) if len(head) == 1 else (head[0].upper(), " ".join(head[1:]))
    if method not in METHODS or not path.startswith(("/", "*")):
        raise FaultSpecError(f"bad method or path in fault rule {text!r}")
    words = action.split()
    trigger = _TRIGGER.match(words[-1]) if words else None
    if trigger:
        words = words[:-1]
    kind, status, latency = _action(words, text)
    fields: dict[str, Any] = {}
    if trigger:
        if trigger["nth"]:
            fields = {"nth": int(trigger["nth"]), "onward": bool(trigger["onward"])}
        elif trigger["every"]:
            fields = {"every": max(1, int(trigger["every"]))}
        else:
            rate = float(trigger["rate"])
            if not 0 <= rate <= 1:
                raise FaultSpecError(f"rate must be between 0 and 1 in fault rule {text!r}")
            fields = {"rate": rate}
    return Rule(method, path, kind, status, latency, text=text.strip(), **fields)


def parse_spec(spec: str) -> list[Rule]:
    """Rules from a SPEC string; empty or blank means no faults."""
    return [parse_rule(part) for part in spec.split(";") if part.strip()]


class Faults:
    """The active rules with their match counters and random streams, safe across threads."""

    def __init__(self, rules: list[Rule] | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.gate = Gate()
        self.set(rules or [], seed)

    def set(self, rules: list[Rule], seed: int = 0) -> None:
        with self._lock:
            self.rules = list(rules)
            self.seed = seed
            self._counts = [0] * len(rules)
            self._hits = [0] * len(rules)
            # One stream per rule, so one rule's draws do not shift another's.
            self._random = [random.Random(f"{seed}:{i}") for i in range(len(rules))]

    def pick(self, method: str, *paths: str) -> list[Fault]:
        """Latency and hold faults that apply, plus at most one other (the first that fires)."""
        chosen: list[Fault] = []
        terminal = False
        with self._lock:
            for index, rule in enumerate(self.rules):
                if not rule.matches(method, paths):
                    continue
                self._counts[index] += 1
                roll = self._random[index].random()
                if not rule.fires(self._counts[index], roll):
                    continue
                if rule.kind not in WAITS:
                    if terminal:
                        continue
                    terminal = True
                self._hits[index] += 1
                chosen.append(Fault(rule.kind, rule.status, rule.latency_ms, rule.text))
        return chosen

    def describe(self) -> dict[str, Any]:
        with self._lock:
            rules = [
                {"rule": rule.text, "matched": count, "fired": hits}
                for rule, count, hits in zip(self.rules, self._counts, self._hits, strict=True)
            ]
            return {"seed": self.seed, "rules": rules}
