"""pytest fixtures that start the sandbox in-process (registered as a pytest11 plugin)."""
