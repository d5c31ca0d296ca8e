"""The errors plansync reports to a person: each says what is wrong, where, and how to fix it.

PlansyncError        anything the user can act on; the CLI prints it as one line, exit 1
  PlanFileError      a plan file that cannot be read or written
  PlanEditError      an edit that does not fit the plan (a bug in the caller, or a bad value)
  ConfigError        plansync.yaml or command-line settings that are wrong
  ProviderError      the service refused a request plansync cannot work around
"""

from __future__ import annotations


class PlansyncError(Exception):
    """An error with a message for a person and an optional hint on how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class PlanFileError(PlansyncError):
    pass


class PlanEditError(PlansyncError):
    pass


class ConfigError(PlansyncError):
    """plansync.yaml or the command-line settings are wrong."""


class ProviderError(PlansyncError):
    """The service refused a request in a way plansync cannot work around."""
