"""News monitoring: read reports, extract incidents, link them to known people."""
