"""Attacks replayed against a served instance (issue 12); fixtures in conftest.py."""
