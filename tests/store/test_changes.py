"""The change counter: it moves with every committed change to the records, and only then."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from havenwatch.core.settings import Settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database, record_read
from havenwatch.store.schema import audit_log
from tests.helpers import snapshot


def test_a_committed_write_moves_the_change_counter(db: Database) -> None:
    before = db.changes()
    with db.write("test") as unit:
        unit.audit("test.change")
    assert db.changes() == before + 1


def test_a_write_that_fails_leaves_the_counter_where_it_was(db: Database) -> None:
    before = db.changes()
    with pytest.raises(RuntimeError), db.write("test") as unit:
        unit.audit("test.change")
        raise RuntimeError("abandoned")
    assert db.changes() == before


def test_a_dry_run_write_keeps_nothing_and_leaves_the_counter_where_it_was(db: Database) -> None:
    before, trail = db.changes(), snapshot(db)
    with db.write("test", dry_run=True) as unit:
        unit.audit("test.change")
        assert unit.conn.execute(select(func.count()).select_from(audit_log)).scalar_one() > 0
    assert db.changes() == before
    assert snapshot(db) == trail


def test_audited_reads_and_bookkeeping_writes_are_not_changes(db: Database) -> None:
    before = db.changes()
    record_read(db, "reader", "case.read_notes", target_type="case", target_id="c1")
    with db.write("session", changes_records=False) as unit:
        unit.audit("test.bookkeeping")
    assert db.changes() == before


def test_writes_of_another_process_are_counted_on_sqlite(sqlite_settings: Settings) -> None:
    db = initialise(sqlite_settings)
    before = db.changes()
    writer = multiprocessing.get_context("spawn").Process(target=_write_once, args=(db.url,))
    writer.start()
    writer.join(60)
    assert writer.exitcode == 0
    assert db.changes() == before + 1
    db.dispose()


def _write_once(url: str) -> None:
    other = Database(url)
    with other.write("other-process") as unit:
        unit.audit("test.change")
    other.dispose()
