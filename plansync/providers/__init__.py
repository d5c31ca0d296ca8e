"""Providers: GitHub and GitLab behind one small contract (they translate, never decide)."""

from __future__ import annotations

from plansync.config import Config
from plansync.providers.base import Provider


def connect(config: Config, token: str, write_interval: float) -> Provider:
    """The provider for `config.provider` (imported here so each client loads only if used)."""
    if config.provider == "gitlab":
        from plansync.providers.gitlab import GitLabProvider

        return GitLabProvider(config.base_url, config.repo, token, write_interval)
    from plansync.providers.github import GitHubProvider

    return GitHubProvider(config.base_url, config.repo, token, write_interval)
