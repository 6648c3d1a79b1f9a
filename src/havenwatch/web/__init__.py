"""The web workspace."""
