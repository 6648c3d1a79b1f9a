"""What an attacker with access to the database files or a superuser login can do to the log.

The append-only triggers stop the application and any ordinary SQL session; someone who holds
the SQLite file or the PostgreSQL superuser can switch them off. These helpers do exactly that,
so the tests can check that the hash chain and the checkpoints still expose the change.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Sequence

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from havenwatch.store.database import Database, normalise_url

APPEND_ONLY = importlib.import_module("havenwatch.store.migrations.versions.0002_audit_append_only")


def sqlite_path(db: Database) -> str:
    path = make_url(db.url).database
    assert path
    return path


def tamper(db: Database, statements: Sequence[str]) -> None:
    """Run raw SQL with the append-only triggers out of the way, then put them back."""
    db.dispose()
    if db.is_sqlite:
        with sqlite3.connect(sqlite_path(db)) as conn:
            conn.execute("DROP TRIGGER audit_log_no_update")
            conn.execute("DROP TRIGGER audit_log_no_delete")
            for statement in statements:
                conn.execute(statement)
            for trigger in APPEND_ONLY.SQLITE_TRIGGERS:
                conn.execute(trigger)
        return
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER ALL"))
        for statement in statements:
            conn.execute(text(statement))
        conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER ALL"))
    db.dispose()


def snapshot(db: Database, name: str) -> str:
    """A full copy of the database, as a backup taken now would hold it."""
    db.dispose()
    if db.is_sqlite:
        copy = f"{sqlite_path(db)}.{name}"
        with sqlite3.connect(sqlite_path(db)) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return copy
    copy = f"{make_url(db.url).database}_{name}"
    _postgres_admin(f'CREATE DATABASE "{copy}" TEMPLATE "{make_url(db.url).database}"')
    return copy


def restore(db: Database, copy: str) -> None:
    """Put an earlier snapshot back in place of the live database."""
    db.dispose()
    if db.is_sqlite:
        with sqlite3.connect(copy) as source, sqlite3.connect(sqlite_path(db)) as target:
            source.backup(target)
        return
    live = make_url(db.url).database
    _postgres_admin(f'DROP DATABASE "{live}" WITH (FORCE)')
    _postgres_admin(f'CREATE DATABASE "{live}" TEMPLATE "{copy}"')


def drop_snapshot(db: Database, copy: str) -> None:
    if db.is_sqlite:
        os.remove(copy)
    else:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def _postgres_admin(statement: str) -> None:
    admin = create_engine(
        normalise_url(os.environ["HAVENWATCH_TEST_POSTGRES_URL"]), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()
