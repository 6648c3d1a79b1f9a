"""Many rows go into a table as one statement on PostgreSQL (an executemany on SQLite), and
every row arrives as given; on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from havenwatch.core.clock import utcnow
from havenwatch.core.ids import new_id
from havenwatch.store.bulk import insert_rows
from havenwatch.store.database import Database
from havenwatch.store.schema import source_word_keys, sources, story_buckets


def _source(db: Database) -> str:
    source_id = new_id()
    with db.write("test") as unit:
        unit.conn.execute(
            sources.insert().values(
                id=source_id, text="", content_hash=new_id() * 2, created_at=utcnow()
            )
        )
    return source_id


def test_hundreds_of_rows_are_one_statement_and_all_arrive(db: Database) -> None:
    source_id = _source(db)
    words = [{"word_key": f"{number:064x}", "source_id": source_id} for number in range(300)]
    buckets = [{"bucket": -(2**62) + number, "source_id": source_id} for number in range(16)]
    sent: list[tuple[str, bool]] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append((statement.split()[0], _rest[-1]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.write("test") as unit:
            insert_rows(unit.conn, source_word_keys, words)
            insert_rows(unit.conn, story_buckets, buckets)
            insert_rows(unit.conn, story_buckets, [])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    inserts = [entry for entry in sent if entry[0] == "INSERT"]
    # PostgreSQL: one INSERT ... SELECT FROM unnest per table; SQLite: one executemany each.
    assert inserts == [("INSERT", not db.is_postgres)] * 2
    with db.read() as conn:
        stored_words = conn.execute(select(source_word_keys)).all()
        stored_buckets = conn.execute(select(story_buckets)).all()
    assert sorted((row.word_key, row.source_id) for row in stored_words) == [
        (row["word_key"], row["source_id"]) for row in words
    ]
    assert sorted(row.bucket for row in stored_buckets) == [row["bucket"] for row in buckets]


def test_a_single_row_goes_in_as_a_plain_insert(db: Database) -> None:
    source_id = _source(db)
    with db.write("test") as unit:
        insert_rows(unit.conn, story_buckets, [{"bucket": 7, "source_id": source_id}])
    with db.read() as conn:
        assert conn.execute(select(story_buckets.c.bucket)).scalars().all() == [7]
