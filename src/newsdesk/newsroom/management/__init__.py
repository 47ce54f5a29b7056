"""Management commands of the newsroom app."""
