"""Writers take turns; reads recorded together share one transaction, each one stored before it returns."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from havenwatch.operations.audit_trail import verify
from havenwatch.store.database import Database, record_read
from havenwatch.store.group_commit import GroupCommit
from havenwatch.store.schema import audit_log
from havenwatch.store.writer_turn import WriterTurn


def test_every_submitted_item_is_committed_exactly_once() -> None:
    committed: list[int] = []
    batches: list[int] = []
    first_commit_started = threading.Event()
    release = threading.Event()

    def commit(batch: list[int]) -> None:
        first_commit_started.set()
        release.wait(5)
        committed.extend(batch)
        batches.append(len(batch))

    group = GroupCommit(commit)
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = pool.submit(group.submit, 0)
        first_commit_started.wait(5)
        rest = [pool.submit(group.submit, number) for number in range(1, 8)]
        release.set()
        for future in [first, *rest]:
            future.result(timeout=10)
    assert sorted(committed) == list(range(8))
    assert batches[0] == 1 and len(batches) < 8


def test_a_failed_commit_fails_every_caller_of_its_batch_and_the_next_batch_goes_on() -> None:
    calls: list[list[str]] = []

    def commit(batch: list[str]) -> None:
        calls.append(batch)
        if "bad" in batch:
            raise OSError("disk full")

    group = GroupCommit(commit)
    with pytest.raises(OSError, match="disk full"):
        group.submit("bad")
    group.submit("good")
    assert calls == [["bad"], ["good"]]


def test_concurrent_reads_are_all_audited_in_one_unbroken_chain(db: Database) -> None:
    def view(number: int) -> None:
        record_read(
            db, f"reader-{number % 3}", "case.read_notes", target_type="case", target_id=str(number)
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(view, range(60)))
    with db.read() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == 60
    assert sorted(int(row.target_id) for row in rows) == list(range(60))
    assert {row.actor for row in rows} == {"reader-0", "reader-1", "reader-2"}
    assert all(row.actor == f"reader-{int(row.target_id) % 3}" for row in rows)
    assert verify(db).broken_seq is None


def test_writers_in_two_processes_take_turns_through_the_lock_file(tmp_path: Path) -> None:
    lock_file = tmp_path / "db-writer.lock"
    ready, go = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_turn, args=(lock_file, ready, go))
    holder.start()
    try:
        assert ready.wait(10)
        waiter = WriterTurn(lock_file)
        entered = threading.Event()

        def take_turn() -> None:
            with waiter:
                entered.set()

        thread = threading.Thread(target=take_turn)
        thread.start()
        assert not entered.wait(0.3), "the second process must wait for the first"
        go.set()
        assert entered.wait(10), "the turn passes once the first process is done"
        thread.join()
        waiter.close()
    finally:
        go.set()
        holder.join(10)


def _hold_turn(lock_file: Path, ready: Any, go: Any) -> None:
    with WriterTurn(lock_file):
        ready.set()
        go.wait(10)


def test_a_writer_may_write_again_inside_its_own_turn(tmp_path: Path) -> None:
    turn = WriterTurn(tmp_path / "lock")
    with turn, turn:
        pass
    with turn:
        pass
    turn.close()
