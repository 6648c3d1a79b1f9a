"""Case documentation: people, cases, events, sources and documents."""
