"""Command modules: each exposes COMMANDS, a list of click commands for the root group."""
