"""Record identifiers: random enough to be unguessable, ordered enough to index well; and
the digest that makes a published report one source however often it is read."""

from __future__ import annotations

import hashlib
import secrets
import time


def new_id() -> str:
    """48 bits of milliseconds then 80 random bits, as 32 hex digits (like a UUIDv7)."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(10)}"


def content_digest(text: str, url: str | None = None, title: str | None = None) -> str:
    """Identical text (spaces folded) or, without text, the same URL is the same source."""
    basis = " ".join(text.split()) if text.strip() else (url or title or "")
    return hashlib.sha256(basis.encode()).hexdigest()
