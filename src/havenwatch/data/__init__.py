"""Data files shared across the package (vocabulary, countries)."""
