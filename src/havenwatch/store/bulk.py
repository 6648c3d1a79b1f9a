"""Many rows into one table in one statement, whichever the backend.

An ingested report writes a few hundred rows of blind index (the keys of its words, its name
keys, its story buckets). Handed to the driver as an `executemany`, PostgreSQL receives one
INSERT per row: psycopg pipelines them, but each is still bound, sent and executed on its
own, and a report's rows cost more than its extraction. `insert_rows` sends them instead as
one `INSERT ... SELECT * FROM unnest(array, array, ...)`: one statement, one array per column,
whatever the number of rows, so PostgreSQL prepares it once and each call is one round trip.
SQLite runs in the process and has no round trip to save: there `executemany` is the fast
path and is kept.

The statement is built from the table's own columns (no name from the rows reaches the SQL
unchecked) and cached per table and column set. It runs on the caller's connection, inside
the caller's write transaction (`Database.write`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (each with the same columns) into `table` in one statement."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) == 1:
        conn.execute(table.insert(), [dict(row) for row in rows])
        return
    names = tuple(rows[0])
    arrays = {f"rows_{name}": [row[name] for row in rows] for name in names}
    conn.execute(_unnest_insert(table, names), arrays)


@lru_cache(maxsize=64)
def _unnest_insert(table: Table, names: tuple[str, ...]) -> Insert:
    columns = [table.c[name] for name in names]
    arrays = [bindparam(f"rows_{column.name}", type_=ARRAY(column.type)) for column in columns]
    unnested = func.unnest(*arrays).table_valued(*names).render_derived(name="unnested")
    return table.insert().from_select(list(names), select(*(unnested.c[name] for name in names)))
