"""The errors the transport raises: a rate limit that outlasts the run, and a write whose
outcome is unknown. Both are PlansyncErrors: one clear line, never a token."""

from __future__ import annotations

from datetime import datetime, timezone

from plansync.errors import PlansyncError, ProviderError


class RateLimited(PlansyncError):
    """The service's rate limit is spent until `resume_at` (epoch seconds), beyond the
    longest wait the run accepts. Nothing half-done: the request was refused, not applied."""

    def __init__(self, resume_at: float, what: str) -> None:
        self.resume_at = resume_at
        self.what = what
        when = datetime.fromtimestamp(resume_at, tz=timezone.utc).strftime("%H:%M UTC")
        super().__init__(
            f"{what} is used up until {when}; run again after that",
            "a re-run continues where this one stopped",
        )


class OutcomeUnknown(ProviderError):
    """A write (POST) that may or may not have taken effect: the answer was lost, cut short or
    a server error. The caller must look the object up before trying again."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(
            f"{method} {path}: {reason}; the service may or may not have applied it",
            "run again: plansync looks for what was made before making it again",
        )
