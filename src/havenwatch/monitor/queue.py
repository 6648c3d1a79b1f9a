"""The database is the ingest queue: items are enqueued once, claimed by one worker, done once.

`enqueue` adds news items keyed by content hash, so the same report enqueued again (a re-run,
a second machine walking the same feed) is a no-op. `claim` hands a worker a small batch in
one short transaction: `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)
RETURNING` on PostgreSQL, so concurrent workers skip each other's rows instead of waiting;
on SQLite the same statement runs under `BEGIN IMMEDIATE`, which makes it atomic.

A worker that dies (kill -9, power cut) leaves its items `claimed`. `release_abandoned` puts
them back: at once when the claimer was a process on this machine that no longer exists,
after the lease otherwise. Finishing an item (`finish`) happens in the same transaction as
storing its results and only if the worker still holds the claim, so an item is never
stored twice even when a slow worker's lease ran out and another worker took it over.

A queued report may name someone: its payload is sealed with the monitor pool's data key
(`havenwatch.store.monitor_key`), and emptied once the report is stored.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from havenwatch.core.clock import utcnow
from havenwatch.monitor.news import NewsItem
from havenwatch.store.database import Database, Unit
from havenwatch.store.monitor_key import MonitorKey, ensure_monitor_key, monitor_key
from havenwatch.store.schema import ingest_queue

PENDING, CLAIMED, DONE, FAILED = "pending", "claimed", "done", "failed"
DEFAULT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class QueuedItem:
    id: int
    content_hash: str
    item: NewsItem


def worker_name() -> str:
    """Who holds a claim: host and process id (to detect a dead local claimer), and a nonce."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def enqueue(db: Database, items: Sequence[NewsItem], actor: str) -> list[NewsItem]:
    """Queue the items not seen before (by content hash); returns the ones newly queued."""
    unique: dict[str, NewsItem] = {}
    for item in items:
        unique.setdefault(item.content_hash, item)
    if not unique:
        return []
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        known = set(
            unit.conn.execute(
                select(ingest_queue.c.content_hash).where(
                    ingest_queue.c.content_hash.in_(list(unique))
                )
            ).scalars()
        )
        fresh = [item for digest, item in unique.items() if digest not in known]
        if fresh:
            _insert_ignoring_known(unit, ensure_monitor_key(unit.conn, keyring), fresh)
            unit.audit("ingest.enqueue", target_type="ingest_queue", detail={"items": len(fresh)})
    return fresh


def _insert_ignoring_known(unit: Unit, key: MonitorKey, items: Iterable[NewsItem]) -> None:
    now = utcnow()
    rows = [
        {
            "content_hash": item.content_hash,
            "origin": item.id[:2000],
            "payload": _sealed(key, item),
            "status": PENDING,
            "created_at": now,
        }
        for item in items
    ]
    insert = postgres_insert if unit.is_postgres else sqlite_insert
    statement = insert(ingest_queue).on_conflict_do_nothing(index_elements=["content_hash"])
    unit.conn.execute(statement, rows)


def claim(db: Database, worker: str, limit: int) -> list[QueuedItem]:
    """Take up to `limit` pending items for this worker, oldest first."""
    waiting = (
        select(ingest_queue.c.id)
        .where(ingest_queue.c.status == PENDING)
        .order_by(ingest_queue.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(ingest_queue)
        .where(ingest_queue.c.id.in_(waiting.scalar_subquery()))
        .values(status=CLAIMED, claimed_by=worker, claimed_at=utcnow())
        .returning(
            ingest_queue.c.id,
            ingest_queue.c.content_hash,
            ingest_queue.c.origin,
            ingest_queue.c.payload,
        )
    )
    with db.write(worker) as unit:
        rows = unit.conn.execute(statement).all()
        key = monitor_key(unit.conn, db.require_keyring()) if rows else None
    return [
        QueuedItem(
            row.id, row.content_hash, _opened(key, row.origin, row.content_hash, row.payload)
        )
        for row in sorted(rows, key=lambda row: row.id)
    ]


def _sealed(key: MonitorKey, item: NewsItem) -> dict[str, str]:
    blob = key.seal_json(item.to_payload(), "ingest_queue", "payload", item.content_hash)
    return {"sealed": base64.b64encode(blob).decode()}


def _opened(key: MonitorKey | None, origin: str, digest: str, payload: Any) -> NewsItem:
    sealed = _dict(payload).get("sealed")
    if key is None or not isinstance(sealed, str):
        return NewsItem.from_payload(origin, {})
    opened = key.open_json(base64.b64decode(sealed), "ingest_queue", "payload", digest)
    return NewsItem.from_payload(origin, _dict(opened))


def finish(conn: Connection, item: QueuedItem, worker: str) -> bool:
    """Mark the item done if this worker still holds it; its text now lives in `sources`."""
    result = conn.execute(
        update(ingest_queue)
        .where(
            ingest_queue.c.id == item.id,
            ingest_queue.c.status == CLAIMED,
            ingest_queue.c.claimed_by == worker,
        )
        .values(status=DONE, payload={}, error=None)
    )
    return result.rowcount == 1


def fail(db: Database, item: QueuedItem, worker: str, message: str) -> None:
    """Set an item aside with the reason; `retry_failed` queues such items again."""
    with db.write(worker) as unit:
        unit.conn.execute(
            update(ingest_queue)
            .where(ingest_queue.c.id == item.id, ingest_queue.c.claimed_by == worker)
            .values(status=FAILED, error=message[:2000])
        )


def release_abandoned(db: Database, actor: str, *, lease: timedelta = DEFAULT_LEASE) -> int:
    """Return to the queue the items of dead local workers, and of any worker past its lease."""
    with db.read() as conn:
        claimers = conn.execute(
            select(ingest_queue.c.claimed_by).where(ingest_queue.c.status == CLAIMED).distinct()
        ).scalars()
        dead = [name for name in claimers if name and _is_dead_local_worker(name)]
    expired = ingest_queue.c.claimed_at < utcnow() - lease
    abandoned = ingest_queue.c.claimed_by.in_(dead) | expired if dead else expired
    with db.write(actor) as unit:
        released = unit.conn.execute(
            update(ingest_queue)
            .where(ingest_queue.c.status == CLAIMED, abandoned)
            .values(status=PENDING, claimed_by=None, claimed_at=None)
        ).rowcount
        if released:
            unit.audit("ingest.release", target_type="ingest_queue", detail={"items": released})
    return int(released)


def retry_failed(db: Database, actor: str) -> int:
    """Queue again the items that failed (after the extractor was fixed, say)."""
    with db.write(actor) as unit:
        retried = unit.conn.execute(
            update(ingest_queue)
            .where(ingest_queue.c.status == FAILED)
            .values(status=PENDING, claimed_by=None, claimed_at=None, error=None)
        ).rowcount
        if retried:
            unit.audit("ingest.retry", target_type="ingest_queue", detail={"items": retried})
    return int(retried)


def queue_counts(db: Database) -> dict[str, int]:
    """How many items are in each state."""
    with db.read() as conn:
        rows = conn.execute(
            select(ingest_queue.c.status, func.count()).group_by(ingest_queue.c.status)
        ).all()
    counts = dict.fromkeys((PENDING, CLAIMED, DONE, FAILED), 0)
    counts.update({row[0]: int(row[1]) for row in rows})
    return counts


def _is_dead_local_worker(name: str) -> bool:
    host, _, rest = name.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
