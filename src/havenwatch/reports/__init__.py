"""Statistics, charts and anonymised exports."""
