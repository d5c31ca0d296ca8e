"""The sandbox's data: one JSON-able dict behind one lock, a scaled clock, ids, the accounts
(token -> login and write access), and persistence.

`data["github"]` and `data["gitlab"]` belong to their services; each creates its key lazily.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plansync.sandbox.clock import Clock, TimeSource

__all__ = ["FIRST_ID", "Account", "Clock", "Store"]

FIRST_ID = 100_001  # far above issue numbers, so a test that mixes up id and number fails


@dataclass(frozen=True)
class Account:
    """Who a token acts as. `login` None is the default account, whose login is the setting
    `github.login` (GitHub) or `sandbox-user` (GitLab). `write` is push access: to every
    repository (True), to none (False), or to the named `owner/name` repositories."""

    login: str | None = None
    write: bool | tuple[str, ...] = True

    def can_write(self, full_name: str) -> bool:
        if isinstance(self.write, bool):
            return self.write
        return full_name.lower() in (name.lower() for name in self.write)

    def to_json(self) -> dict[str, Any]:
        write = self.write if isinstance(self.write, bool) else list(self.write)
        return {"login": self.login, "write": write}

    @classmethod
    def from_json(cls, saved: dict[str, Any]) -> Account:
        return cls(saved.get("login"), write_access(saved.get("write", True)))


def write_access(value: bool | Iterable[str]) -> bool | tuple[str, ...]:
    """Normalise `write`: a bool, or the repositories (strings) the account may push to."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return (value,)
    return tuple(str(name) for name in value)


class Store:
    """All mutable service data. Handlers hold `lock` while they read or change `data`."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        tokens: Iterable[str] | None = None,
        clock: Clock | TimeSource | None = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {}
        # token -> account; tokens given here act as the default account.
        self.accounts: dict[str, Account] = {token: Account() for token in tokens or ()}
        # Tokens that may call the admin API (the sandbox's own token, an admin token).
        self.admin_tokens: set[str] = set()
        self.clock = clock if isinstance(clock, Clock) else Clock(clock)
        self.config: dict[str, Any] = dict(config or {})
        self.path = Path(path) if path is not None else None
        self._next_id = FIRST_ID
        if self.path is not None and self.path.exists():
            self.load()

    @property
    def tokens(self) -> set[str]:
        """Every token the sandbox accepts (a copy: add tokens with `add_account`)."""
        return set(self.accounts)

    def add_account(
        self, token: str, login: str | None = None, write: bool | Iterable[str] = True
    ) -> Account:
        account = Account(login, write_access(write))
        with self.lock:
            self.accounts[token] = account
        return account

    def default_tokens(self) -> list[str]:
        """Tokens of the default account, oldest first (the first is the one a restart reuses)."""
        return [t for t, account in self.accounts.items() if account.login is None]

    def next_id(self) -> int:
        """A positive id never handed out before by this store (shared by both services)."""
        with self.lock:
            value = self._next_id
            self._next_id += 1
            return value

    def reset(self) -> None:
        """Forget every service's data; ids keep counting up so none is ever reused."""
        with self.lock:
            self.data.clear()
            self.save()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "next_id": self._next_id,
                "tokens": self.default_tokens(),
                "accounts": {
                    t: a.to_json() for t, a in self.accounts.items() if a.login is not None
                },
                "data": self.data,
            }

    def save(self) -> None:
        """Write the data to the state file, if there is one, atomically (temp file + replace)."""
        if self.path is None:
            return
        with self.lock:
            text = json.dumps(self.snapshot(), sort_keys=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".sandbox-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temp, self.path)
            except BaseException:
                os.unlink(temp)
                raise

    def load(self) -> None:
        assert self.path is not None
        with self.lock:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self.data = dict(saved.get("data", {}))
            self._next_id = max(FIRST_ID, int(saved.get("next_id", FIRST_ID)))
            # Tokens persist too, so clients configured for a demo keep working after a restart.
            for token in saved.get("tokens", []):
                self.accounts.setdefault(str(token), Account())
            for token, account in dict(saved.get("accounts", {})).items():
                self.accounts[str(token)] = Account.from_json(dict(account))
