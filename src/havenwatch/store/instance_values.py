"""Reading and writing one value of `instance_settings` inside a transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from havenwatch.store.schema import instance_settings


def read_value(conn: Connection, key: str) -> Any:
    return conn.execute(
        select(instance_settings.c.value).where(instance_settings.c.key == key)
    ).scalar()


def write_value(conn: Connection, key: str, value: Any) -> None:
    """Set a value, or remove the key when `value` is None."""
    conn.execute(instance_settings.delete().where(instance_settings.c.key == key))
    if value is not None:
        conn.execute(instance_settings.insert().values(key=key, value=value))
