"""One module per command-line command; see ``safetycheck.cli``."""
