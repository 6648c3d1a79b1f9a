"""Throttle counters: reserved atomically before a check, counted per window, never a lock on
an address."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from havenwatch.access.throttle import (
    ADDRESS_FREE_FAILURES,
    LONGEST_WINDOW,
    MAX_ACCOUNT_FAILURES,
    MAX_ADDRESS_DELAY,
    WINDOW,
    PasswordGate,
    Subjects,
    address_delay,
    reserve,
)
from havenwatch.core.clock import utcnow
from havenwatch.store.database import Database
from havenwatch.store.schema import login_counters

THREADS = 8
RESERVATIONS = 40


def test_concurrent_reservations_each_get_their_own_rank(db: Database) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        ranks = list(pool.map(lambda _: reserve(db, "subject"), range(RESERVATIONS)))
    assert sorted(ranks) == list(range(1, RESERVATIONS + 1))


def test_a_window_that_has_passed_counts_again_from_one(db: Database) -> None:
    for _ in range(3):
        reserve(db, "subject")
    with db.write("test", changes_records=False) as unit:
        unit.conn.execute(
            login_counters.update().values(window_started_at=utcnow() - WINDOW - timedelta(1))
        )
    assert reserve(db, "subject") == 1
    assert reserve(db, "other") == 1


def test_counters_long_expired_are_dropped_when_another_attempt_is_counted(db: Database) -> None:
    for subject in ("sprayed-1", "sprayed-2", "recent"):
        reserve(db, subject)
    with db.write("test", changes_records=False) as unit:
        unit.conn.execute(
            login_counters.update()
            .where(login_counters.c.subject.like("sprayed-%"))
            .values(window_started_at=utcnow() - LONGEST_WINDOW - timedelta(minutes=1))
        )
    reserve(db, "next")
    with db.read() as conn:
        left = conn.execute(select(login_counters.c.subject).order_by("subject")).scalars().all()
    assert left == ["next", "recent"]


def test_an_address_is_slowed_more_with_each_failure_but_never_locked() -> None:
    delays = [address_delay(rank) for rank in range(1, ADDRESS_FREE_FAILURES + 60)]
    assert delays[:ADDRESS_FREE_FAILURES] == [0.0] * ADDRESS_FREE_FAILURES
    assert delays[ADDRESS_FREE_FAILURES:] == sorted(delays[ADDRESS_FREE_FAILURES:])
    assert 0 < delays[ADDRESS_FREE_FAILURES] < delays[-1] == MAX_ADDRESS_DELAY
    gate = PasswordGate(Subjects("account", "address"), 1, 10_000)
    assert not gate.throttled
    assert PasswordGate(Subjects("account", "address"), MAX_ACCOUNT_FAILURES + 1, 1).throttled
