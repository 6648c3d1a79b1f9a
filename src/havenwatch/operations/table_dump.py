"""A portable, logical copy of every table: one JSON line per row, typed by the schema.

Used for PostgreSQL backups (and restorable onto SQLite as well). Values are encoded by their
column type, so nothing in the data can be mistaken for a type marker: binary columns as
base64, dates and timestamps as ISO text, JSON columns as they are.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, Date, DateTime, Integer, LargeBinary, Table, select, text

from havenwatch.store.schema import metadata

INSERT_BATCH = 500


def _encode(column_type: object, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, LargeBinary):
        return base64.b64encode(value).decode()
    if isinstance(column_type, DateTime | Date):
        return value.isoformat()
    return value


def _decode(column_type: object, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    return value


def decode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: _decode(column.type, row.get(column.name)) for column in table.columns}


# Kept by triggers from other tables (migration 0013a): not dumped, refilled as those load.
DERIVED_TABLES = frozenset({"event_facts"})


def tables() -> list[Table]:
    return [table for table in metadata.sorted_tables if table.name not in DERIVED_TABLES]


def table_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """A table's rows in primary-key order, encoded for JSON."""
    for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
        yield {column.name: _encode(column.type, row[column.name]) for column in table.columns}


def dump_tables(conn: Connection, out: TextIO) -> dict[str, int]:
    """Write every table to `out`; returns the row count per table."""
    counts: dict[str, int] = {}
    for table in tables():
        counts[table.name] = 0
        for row in table_rows(conn, table):
            out.write(json.dumps({"table": table.name, "row": row}, ensure_ascii=False) + "\n")
            counts[table.name] += 1
    return counts


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for line in lines:
        record = json.loads(line)
        yield str(record["table"]), dict(record["row"])


def _flush(conn: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    if batch:
        conn.execute(table.insert(), batch)
        batch.clear()


def load_tables(conn: Connection, records: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """Insert dumped rows into an empty schema (parents come before children in a dump)."""
    by_name = {table.name: table for table in tables()}
    current: Table | None = None
    batch: list[dict[str, Any]] = []
    loaded = 0
    for name, row in records:
        table = by_name[name]
        if table is not current or len(batch) >= INSERT_BATCH:
            if current is not None:
                _flush(conn, current, batch)
            current = table
        batch.append(decode_row(table, row))
        loaded += 1
    if current is not None:
        _flush(conn, current, batch)
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn)
    return loaded


def _reset_sequences(conn: Connection) -> None:
    """Serial keys continue after the restored rows instead of colliding with them."""
    for table in tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement is True:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"coalesce((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )
