"""Providers: GitHub and GitLab behind one small contract (they translate, never decide)."""

from __future__ import annotations

from plansync.config import Config
from plansync.providers.base import Provider
from plansync.transport import Transport


def connect(config: Config, token: str, transport: Transport) -> Provider:
    """The provider for `config.provider` (imported here so each client loads only if used).

    Every request it makes goes through `transport` (retries, waits, pacing, ETags)."""
    if config.provider == "gitlab":
        from plansync.providers.gitlab import GitLabProvider

        return GitLabProvider(config.base_url, config.repo, token, transport)
    from plansync.providers.github import GitHubProvider

    return GitHubProvider(config.base_url, config.repo, token, transport)
