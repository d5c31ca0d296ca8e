"""`python -m plansync` runs the command line."""

from plansync.cli import main

main()
