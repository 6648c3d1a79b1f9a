"""Reads nested in one thread share one transaction; other threads and later reads get their own."""

from __future__ import annotations

import threading

from sqlalchemy import select

from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log


def test_a_read_inside_a_read_of_the_same_thread_joins_it(db: Database) -> None:
    with db.read() as outer, db.read() as inner:
        assert inner is outer
    with db.read() as later:
        assert later is not outer


def test_another_thread_never_joins_this_threads_read(db: Database) -> None:
    seen: list[object] = []
    with db.read() as mine:

        def read_elsewhere() -> None:
            with db.read() as theirs:
                seen.append(theirs)

        thread = threading.Thread(target=read_elsewhere)
        thread.start()
        thread.join()
    assert seen and seen[0] is not mine


def test_a_read_started_after_a_write_sees_it(db: Database) -> None:
    with db.write("test") as unit:
        unit.audit("test.entry")
    with db.read() as conn:
        assert conn.execute(select(audit_log.c.action)).scalars().all() == ["test.entry"]


def test_a_failing_nested_read_leaves_the_next_read_fresh(db: Database) -> None:
    try:
        with db.read() as outer, db.read():
            raise LookupError("page not found")
    except LookupError:
        pass
    with db.read() as conn:
        assert conn is not outer
        assert conn.execute(select(audit_log.c.seq)).first() is None
