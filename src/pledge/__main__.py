"""``python -m pledge`` runs the command line."""

from pledge.cli import main

main()
