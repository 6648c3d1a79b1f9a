"""The monitoring loop: reports in, sources and leads out, through the queue in the database.

`run_ingest` reads the given paths (`havenwatch.monitor.reader`) and enqueues the reports in
batches; workers claim them from the queue (`havenwatch.monitor.queue`), extract incidents,
find the story each report belongs to, and store source and leads in one transaction per
report (`havenwatch.monitor.record`). With one worker everything runs in this process,
enqueueing a batch then working through it, so memory stays flat however many reports there
are. With several, worker processes (trafilatura and the extractor are not thread-safe)
share the queue while this process reads the inputs; other `havenwatch ingest` processes,
on this machine or another, can share a PostgreSQL queue the same way.
"""

from __future__ import annotations

import multiprocessing
import queue as stdlib_queue
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any

from havenwatch.crypto.keys import Keyring
from havenwatch.monitor import dedup
from havenwatch.monitor.extract import extract_document
from havenwatch.monitor.limits import time_limit
from havenwatch.monitor.news import NewsItem, ReadError
from havenwatch.monitor.queue import (
    QueuedItem,
    claim,
    enqueue,
    fail,
    release_abandoned,
    worker_name,
)
from havenwatch.monitor.reader import read_news
from havenwatch.monitor.record import Recorded, Recorder
from havenwatch.store.database import Database

ENQUEUE_BATCH = 200
CLAIM_BATCH = 16
EXTRACT_TIME_LIMIT_S = 60.0
IDLE_WAIT_S = 0.2

Extractor = Callable[[NewsItem], Mapping[str, Any]]


@dataclass
class Tally:
    """Counts of what an ingest run did; also sent as increments while it runs."""

    documents: int = 0
    new_leads: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    errors: int = 0

    def add(self, other: Tally) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    @property
    def duplicates(self) -> int:
        return self.exact_duplicates + self.near_duplicates


Reporter = Callable[[Tally, str | None], None]


def default_extractor(document: NewsItem) -> Mapping[str, Any]:
    return extract_document(document).to_contract()


def run_ingest(
    db: Database,
    paths: Iterable[str],
    actor: str,
    *,
    workers: int = 1,
    extract: Extractor = default_extractor,
    report: Reporter | None = None,
) -> Tally:
    """Ingest every report under `paths`; returns the totals (also passed to `report`)."""
    total = Tally()

    def tally(delta: Tally, message: str | None) -> None:
        total.add(delta)
        if report is not None:
            report(delta, message)

    keyring = db.require_keyring()
    release_abandoned(db, actor)
    if workers <= 1:
        _ingest_here(db, keyring, paths, actor, extract, tally)
    else:
        _ingest_with_processes(db, keyring, paths, actor, extract, tally, workers)
    return total


def _ingest_here(
    db: Database,
    keyring: Keyring,
    paths: Iterable[str],
    actor: str,
    extract: Extractor,
    report: Reporter,
) -> None:
    worker = worker_name()
    for batch in _batches(read_news(paths), ENQUEUE_BATCH):
        _enqueue(db, batch, actor, report)
        drain(db, keyring, actor, worker, extract, report)
    drain(db, keyring, actor, worker, extract, report)


def _ingest_with_processes(
    db: Database,
    keyring: Keyring,
    paths: Iterable[str],
    actor: str,
    extract: Extractor,
    report: Reporter,
    workers: int,
) -> None:
    context = multiprocessing.get_context("spawn")
    reading_done = context.Event()
    outcomes: Any = context.Queue()
    processes = [
        context.Process(
            target=_worker_process,
            args=(db.url, keyring, actor, extract, reading_done, outcomes),
            daemon=True,
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        for batch in _batches(read_news(paths), ENQUEUE_BATCH):
            _enqueue(db, batch, actor, report)
            _forward(outcomes, report, wait=0)
    finally:
        reading_done.set()
    while any(process.is_alive() for process in processes):
        _forward(outcomes, report, wait=IDLE_WAIT_S)
    _forward(outcomes, report, wait=0)


def _worker_process(
    url: str,
    keyring: Keyring,
    actor: str,
    extract: Extractor,
    reading_done: Any,
    outcomes: Any,
) -> None:
    db = Database(url, keyring)
    try:
        drain(
            db,
            keyring,
            actor,
            worker_name(),
            extract,
            lambda delta, message: outcomes.put((delta, message)),
            keep_waiting=lambda: not reading_done.is_set(),
        )
    finally:
        db.dispose()


def _forward(outcomes: Any, report: Reporter, *, wait: float) -> None:
    """Pass the workers' increments on to the reporter, waiting at most `wait` for the first."""
    try:
        delta, message = outcomes.get(timeout=wait) if wait else outcomes.get_nowait()
    except stdlib_queue.Empty:
        return
    report(delta, message)
    while True:
        try:
            delta, message = outcomes.get_nowait()
        except stdlib_queue.Empty:
            return
        report(delta, message)


def drain(
    db: Database,
    keyring: Keyring,
    actor: str,
    worker: str,
    extract: Extractor,
    report: Reporter,
    *,
    keep_waiting: Callable[[], bool] = lambda: False,
) -> None:
    """Work through the queue until it is empty (and, if asked, until reading has finished)."""
    while True:
        claimed = claim(db, worker, CLAIM_BATCH)
        if not claimed:
            if not keep_waiting():
                return
            time.sleep(IDLE_WAIT_S)
            continue
        process_batch(db, keyring, actor, worker, claimed, extract, report)


@dataclass(frozen=True)
class Prepared:
    """A claimed report after the work that needs no database: extraction and MinHash."""

    queued: QueuedItem
    extraction: Mapping[str, Any]
    signature: tuple[int, ...]


def process_batch(
    db: Database,
    keyring: Keyring,
    actor: str,
    worker: str,
    claimed: list[QueuedItem],
    extract: Extractor,
    report: Reporter,
) -> None:
    """Extract each claimed report, then store them all in one transaction.

    One transaction per batch, not per report, saves a disk flush per report; each report's
    source, leads and queue item are still committed together, and a crash loses only the
    uncommitted batch, which is claimed again.
    """
    prepared = []
    for queued in claimed:
        result = prepare(queued, extract)
        if isinstance(result, Prepared):
            prepared.append(result)
        else:
            fail(db, queued, worker, result)
            report(Tally(errors=1), result)
    if not prepared:
        return
    with db.write(actor) as unit:
        recorder = Recorder(unit, keyring)
        recorded = [
            recorder.record(item.queued, item.extraction, item.signature, worker)
            for item in prepared
        ]
    for outcome in recorded:
        report(_tally(outcome), None)


def prepare(queued: QueuedItem, extract: Extractor) -> Prepared | str:
    """The report's extraction and signature, or why it failed (one line)."""
    try:
        with time_limit(EXTRACT_TIME_LIMIT_S):
            extraction = extract(queued.item)
    except Exception as error:  # one bad report never stops the run
        return f"{queued.item.id}: extraction failed ({_one_line(error)})"
    return Prepared(queued, extraction, dedup.signature(queued.item.text))


def _tally(recorded: Recorded) -> Tally:
    if not recorded.stored:
        return Tally(exact_duplicates=1)
    return Tally(
        documents=1, new_leads=recorded.new_leads, near_duplicates=int(recorded.near_duplicate)
    )


def _enqueue(db: Database, batch: list[NewsItem | ReadError], actor: str, report: Reporter) -> None:
    items = []
    for result in batch:
        if isinstance(result, ReadError):
            report(Tally(errors=1), result.message)
        else:
            items.append(result)
    fresh = enqueue(db, items, actor)
    if len(items) > len(fresh):
        report(Tally(exact_duplicates=len(items) - len(fresh)), None)


def _batches(
    results: Iterator[NewsItem | ReadError], size: int
) -> Iterator[list[NewsItem | ReadError]]:
    while batch := list(islice(results, size)):
        yield batch


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__
