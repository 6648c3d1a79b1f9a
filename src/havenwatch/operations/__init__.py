"""Running an instance: opening it, backup, restore, key rotation, purge, retention, audit tools."""
