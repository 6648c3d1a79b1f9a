"""Anonymised exports and public statistics: counts no one can be recognised from."""
