from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from havenwatch.monitor.news import NewsItem
from havenwatch.monitor.queue import (
    claim,
    enqueue,
    fail,
    queue_counts,
    release_abandoned,
    retry_failed,
    worker_name,
)
from havenwatch.store.database import Database
from havenwatch.store.schema import ingest_queue


def _items(count: int) -> list[NewsItem]:
    return [NewsItem(id=f"r{number}.txt", text=f"report {number}") for number in range(count)]


def _dead_worker() -> str:
    """The name a worker process had, once that process has exited."""
    child = subprocess.run(
        [sys.executable, "-c", "from havenwatch.monitor.queue import worker_name; print(worker_name())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return child.stdout.strip()


def test_enqueueing_the_same_reports_again_is_a_no_op(db: Database) -> None:
    assert len(enqueue(db, _items(5) + _items(5), "test")) == 5
    assert enqueue(db, _items(5), "test") == []
    assert queue_counts(db)["pending"] == 5


def test_workers_claim_disjoint_batches_in_queue_order(db: Database) -> None:
    enqueue(db, _items(10), "test")
    first = claim(db, worker_name(), 4)
    second = claim(db, worker_name(), 10)
    assert [item.item.id for item in first] == [f"r{number}.txt" for number in range(4)]
    assert {item.id for item in first}.isdisjoint(item.id for item in second)
    assert len(first) + len(second) == 10
    assert claim(db, worker_name(), 10) == []


def test_the_claims_of_a_dead_local_worker_go_back_to_the_queue_at_once(db: Database) -> None:
    enqueue(db, _items(6), "test")
    living, dead = worker_name(), _dead_worker()
    claim(db, living, 3)
    claim(db, dead, 3)
    assert release_abandoned(db, "test") == 3
    with db.read() as conn:
        holders = set(conn.execute(select(ingest_queue.c.claimed_by)).scalars())
    assert holders == {living, None}


def test_failed_reports_are_set_aside_until_retried(db: Database) -> None:
    enqueue(db, _items(2), "test")
    worker = worker_name()
    broken, _ = claim(db, worker, 2)
    fail(db, broken, worker, "r0.txt: extraction failed (boom)")
    assert queue_counts(db)["failed"] == 1
    assert retry_failed(db, "test") == 1
    assert [item.id for item in claim(db, worker, 5)] == [broken.id]


def test_a_queued_report_is_sealed_until_a_worker_claims_it(db: Database) -> None:
    item = NewsItem(
        id="wire.txt",
        text="Oleg Volokhonsky was refused entry.",
        title="Volokhonsky refused",
        url="https://news.example/volokhonsky",
    )
    enqueue(db, [item], "test")
    with db.read() as conn:
        stored = repr(conn.execute(select(ingest_queue)).all())
    assert "Volokhonsky" not in stored
    (claimed,) = claim(db, worker_name(), 5)
    assert claimed.item == item
