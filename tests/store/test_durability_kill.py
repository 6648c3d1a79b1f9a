"""Writers killed with SIGKILL at random points lose no acknowledged write and break nothing.

Each iteration forks a writer process (a real OS process, fork keeps start-up in milliseconds)
that adds people through the normal service path and reports each id on a pipe only after its
transaction has committed. The parent kills it after a random few milliseconds, then checks the
database as a restarted app would.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection as Pipe
from pathlib import Path

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.people import add_person
from havenwatch.core.model import Identity, Person
from havenwatch.core.settings import resolve_settings
from havenwatch.crypto.keys import Keyring
from havenwatch.operations.instance import initialise
from havenwatch.store.audit_chain import GENESIS, AuditEntry, verify_chain
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, people

SQLITE_KILLS = 200
POSTGRES_KILLS = 30
FORK = multiprocessing.get_context("fork")


def add_one(db: Database, number: int) -> str:
    identity = Identity(full_name=f"Writer {number}")
    return str(
        add_person(
            db,
            Person(pseudonym=f"W-{number}", identity=identity),
            "writer",
            scope=Scope.everything(),
        ).id
    )


def writer(url: str, keyring: Keyring, pipe: Pipe) -> None:
    """Add people forever; send each id only once its commit has returned.

    The first write happens before "ready", so every run is warm when the kill timer starts.
    """
    db = Database(url, keyring)
    pipe.send(add_one(db, 0))
    pipe.send("ready")
    number = 0
    while True:
        number += 1
        pipe.send(add_one(db, number))


class ChainFollower:
    """Verifies the audit chain incrementally, from where the last check stopped."""

    def __init__(self) -> None:
        self.seq, self.hash = 0, GENESIS

    def check(self, db: Database) -> None:
        with db.read() as conn:
            rows = conn.execute(
                select(audit_log).where(audit_log.c.seq > self.seq).order_by(audit_log.c.seq)
            ).all()
        entries = [
            AuditEntry(**{k: getattr(r, k) for k in AuditEntry.__dataclass_fields__}) for r in rows
        ]
        assert verify_chain(entries, self.hash) is None
        if entries:
            assert entries[0].seq == self.seq + 1
            self.seq, self.hash = entries[-1].seq, entries[-1].hash


def acknowledged_ids(receiver: Pipe) -> Iterator[str]:
    while receiver.poll():
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            return
        if message != "ready":
            yield str(message)


def kill_once(db: Database, rng: random.Random) -> list[str]:
    receiver, sender = FORK.Pipe(duplex=False)
    assert db.keyring is not None
    db.dispose()
    process = FORK.Process(target=writer, args=(db.url, db.keyring, sender), daemon=True)
    process.start()
    sender.close()
    first = receiver.recv() if receiver.poll(20) else None
    assert first is not None and receiver.poll(20) and receiver.recv() == "ready"
    time.sleep(rng.uniform(0.001, 0.03))
    os.kill(process.pid or 0, signal.SIGKILL)
    process.join()
    acknowledged = [str(first), *acknowledged_ids(receiver)]
    receiver.close()
    return acknowledged


def check_consistent(db: Database, acknowledged: set[str], chain: ChainFollower) -> None:
    with db.read() as conn:
        stored = set(conn.execute(select(people.c.id)).scalars())
        if db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert acknowledged <= stored
    chain.check(db)


def run_kill_loop(db: Database, iterations: int, seed: int) -> int:
    rng, chain, acknowledged = random.Random(seed), ChainFollower(), set[str]()
    for _ in range(iterations):
        acknowledged.update(kill_once(db, rng))
        check_consistent(db, acknowledged, chain)
    return len(acknowledged)


def test_sigkilled_sqlite_writers_never_lose_acknowledged_writes_or_break_integrity(
    sqlite_db: Database,
) -> None:
    written = run_kill_loop(sqlite_db, SQLITE_KILLS, seed=7)
    assert written >= SQLITE_KILLS


@pytest.mark.postgres
def test_sigkilled_postgres_writers_never_lose_acknowledged_writes_or_break_the_chain(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = resolve_settings(tmp_path / "data", postgres_url, tmp_path / "keys" / "data.key")
    db = initialise(settings)
    try:
        assert run_kill_loop(db, POSTGRES_KILLS, seed=11) >= POSTGRES_KILLS
    finally:
        db.dispose()
