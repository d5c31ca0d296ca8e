"""plansync: keep a markdown implementation plan and GitHub or GitLab issues in step."""

__version__ = "0.1.0"
