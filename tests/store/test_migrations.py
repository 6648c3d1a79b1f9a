from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from havenwatch.store import migrate
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, metadata

# Made by raw SQL in the migrations, where SQLAlchemy has no portable way to declare them:
# SQLite's FTS5 tables (and their shadow tables) and PostgreSQL's expression index for search.
RAW_SQL_INDEXES = {
    f"ix_search_entries_tsv_{kind}" for kind in ("person", "case", "event", "source")
}


def _unexplained(diff: Any) -> bool:
    if not isinstance(diff, tuple):
        return True
    kind, item = diff[0], diff[1]
    if kind == "remove_table":
        return item.name in metadata.tables
    return not (kind == "remove_index" and item.name in RAW_SQL_INDEXES)


def test_migrations_build_exactly_the_schema_the_code_declares(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [diff for diff in compare_metadata(context, metadata) if _unexplained(diff)]
    assert diffs == []


def test_migrations_form_one_line_of_history(db: Database) -> None:
    assert len(migrate.head_revisions(db)) == 1


def test_a_fresh_database_is_at_every_head_and_migrate_is_idempotent(db: Database) -> None:
    assert migrate.is_current(db)
    migrate.upgrade(db)
    assert migrate.is_current(db)


def test_the_audit_log_refuses_update_and_delete(db: Database) -> None:
    with db.write("test") as unit:
        unit.audit("test.entry")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.read() as conn:
        assert conn.execute(audit_log.select()).one().actor == "test"


def test_sqlite_runs_with_the_durability_settings(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "secure_delete": 1,
    }
