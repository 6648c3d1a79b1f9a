"""Deleting a source or a lead never scans a table that refers to it: every foreign key to
`sources` or `leads` is found by an index (the database looks its rows up to cascade the
delete or to check it); on both backends."""

from __future__ import annotations

from sqlalchemy import text

from havenwatch.store.database import Database
from havenwatch.store.schema import metadata

REFERRED = ("sources", "leads")


def _references() -> list[tuple[str, str]]:
    return sorted(
        (table.name, key.parent.name)
        for table in metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name in REFERRED
    )


def test_the_source_word_index_and_every_other_reference_to_a_source_or_lead_is_indexed(
    db: Database,
) -> None:
    references = _references()
    assert ("source_word_keys", "source_id") in references
    assert ("story_buckets", "source_id") in references
    scanned = []
    with db.engine.connect() as conn, conn.begin():
        if db.is_postgres:
            conn.execute(text("SET LOCAL enable_seqscan = off"))
        for table, column in references:
            lookup = f"SELECT 1 FROM {table} WHERE {column} = 'x'"  # names from the schema
            if db.is_sqlite:
                plan = " ".join(
                    str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}")
                )
                if "INDEX" not in plan or plan.startswith("SCAN"):
                    scanned.append((table, column, plan))
            else:
                plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {lookup}"))
                if "Seq Scan" in plan:
                    scanned.append((table, column, plan))
    assert scanned == []
