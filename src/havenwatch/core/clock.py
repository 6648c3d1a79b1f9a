"""One notion of "now" for stored timestamps: naive UTC, identical on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
