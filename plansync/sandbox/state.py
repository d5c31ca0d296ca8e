"""The sandbox's data: one JSON-able dict behind one lock, a scaled clock, ids, and persistence.

`data["github"]` and `data["gitlab"]` belong to their services; each creates its key lazily.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIRST_ID = 100_001  # far above issue numbers, so a test that mixes up id and number fails


class Clock:
    """Epoch seconds that run `scale` times faster than real time from the moment the scale is set.

    A scale of 60 makes an hour-long rate-limit window pass in a minute.
    """

    def __init__(self, real: Callable[[], float] = time.time, scale: float = 1.0) -> None:
        self._real = real
        self._lock = threading.Lock()
        self._anchor_real = real()
        self._anchor_virtual = self._anchor_real
        self._scale = scale

    @property
    def scale(self) -> float:
        return self._scale

    def now(self) -> float:
        with self._lock:
            return self._anchor_virtual + (self._real() - self._anchor_real) * self._scale

    def set_scale(self, scale: float) -> None:
        if scale <= 0:
            raise ValueError("time scale must be positive")
        with self._lock:
            real = self._real()
            self._anchor_virtual += (real - self._anchor_real) * self._scale
            self._anchor_real = real
            self._scale = scale

    def sleep(self, virtual_seconds: float) -> None:
        """Sleep for a span of sandbox time (shorter in real time when the clock runs fast)."""
        time.sleep(max(0.0, virtual_seconds) / self._scale)


class Store:
    """All mutable service data. Handlers hold `lock` while they read or change `data`."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        tokens: set[str] | None = None,
        clock: Clock | None = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.data: dict[str, Any] = {}
        self.tokens: set[str] = set(tokens or ())
        self.clock = clock or Clock()
        self.config: dict[str, Any] = dict(config or {})
        self.path = Path(path) if path is not None else None
        self._next_id = FIRST_ID
        if self.path is not None and self.path.exists():
            self.load()

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
                "tokens": sorted(self.tokens),
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
            self.tokens.update(str(t) for t in saved.get("tokens", []))
