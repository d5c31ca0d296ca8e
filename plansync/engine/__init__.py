"""The pure sync engine: what the plan wants, what the service has, and what to change."""
