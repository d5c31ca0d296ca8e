"""The transport seam under both providers: one retry policy (tenacity), write pacing and
budgets, rate-limit waits, ETags and request counting. See docs/resilience.md."""

from __future__ import annotations

from plansync.transport.errors import OutcomeUnknown, RateLimited
from plansync.transport.etags import EtagCache
from plansync.transport.mount import mount_pygithub, session_for
from plansync.transport.seam import Transport
from plansync.transport.settings import TransportSettings, TransportStats, Wait, defaults_for

__all__ = [
    "EtagCache",
    "OutcomeUnknown",
    "RateLimited",
    "Transport",
    "TransportSettings",
    "TransportStats",
    "Wait",
    "defaults_for",
    "mount_pygithub",
    "session_for",
]
