"""The commands of the plansync CLI, one module each (cli.py assembles them)."""
