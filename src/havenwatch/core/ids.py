"""Record identifiers: random enough to be unguessable, ordered enough to index well."""

from __future__ import annotations

import secrets
import time


def new_id() -> str:
    """48 bits of milliseconds then 80 random bits, as 32 hex digits (like a UUIDv7)."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(10)}"
