"""The database itself refuses to change the log, and concurrent writers keep one chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from havenwatch.access.scope import Scope
from havenwatch.operations.audit_trail import count_entries, list_entries, verify
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log
from tests.operations.audit_cli import write_entries

WRITERS = 8
WRITES_EACH = 15


def test_the_database_refuses_update_on_the_audit_log(db: Database) -> None:
    write_entries(db, 2)

    with pytest.raises(DBAPIError, match="append-only"), db.write("intruder") as unit:
        unit.conn.execute(audit_log.update().where(audit_log.c.seq == 1).values(actor="x"))

    assert list_entries(db, scope=Scope.everything())[-1].actor == "tester"


def test_the_database_refuses_delete_on_the_audit_log(db: Database) -> None:
    write_entries(db, 2)

    with pytest.raises(DBAPIError, match="append-only"), db.write("intruder") as unit:
        unit.conn.execute(audit_log.delete().where(audit_log.c.seq == 2))

    assert count_entries(db, scope=Scope.everything()) == 2


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_postgres_refuses_truncate_on_the_audit_log(db: Database) -> None:
    write_entries(db, 2)

    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))

    assert count_entries(db, scope=Scope.everything()) == 2


def test_concurrent_writers_keep_one_valid_chain(db: Database) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            start.wait()
            write_entries(db, WRITES_EACH, actor=f"writer-{number}")
        except BaseException as error:  # reported to the main thread below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    result = verify(db)
    assert result.ok, result.message()
    assert result.entries == result.head_seq == WRITERS * WRITES_EACH
    for number in range(WRITERS):
        assert count_entries(db, actor=f"writer-{number}", scope=Scope.everything()) == WRITES_EACH
