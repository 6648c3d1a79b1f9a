"""Protection: encryption, keys, audit trail."""
