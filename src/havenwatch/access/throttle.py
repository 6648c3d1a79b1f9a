"""Throttling of password and second-factor checks: per account, per address, per session.

Each throttled subject is a keyed hash (`Keyring.blind_index`), so neither the usernames typed
at the login form nor client addresses are ever stored in clear; names that do not exist are
throttled exactly like real ones, so the limits tell an attacker nothing.

A check is *reserved* before it runs: one atomic `UPDATE ... RETURNING` raises the subject's
counter in `login_counters` and tells this attempt its rank in the current window. Only
attempts ranked within the limit go on to the slow check (argon2, the TOTP comparison), so
forty concurrent guesses for one account cost at most `MAX_ACCOUNT_FAILURES` password checks,
however many server processes answer them. A success resets the counter.

Addresses are never locked out: behind a Tor onion service, a shared NAT or a proxy that is
not trusted, one address is many people. Past `ADDRESS_FREE_FAILURES` an address's attempts
are only slowed down, by a delay that grows with its failures; the per-account limit does the
real work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from havenwatch.core.clock import utcnow
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database
from havenwatch.store.schema import login_counters

WINDOW = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
ADDRESS_DELAY_STEP = 0.25  # seconds added per failure past the free ones
MAX_ADDRESS_DELAY = 10.0

CODE_WINDOW = timedelta(hours=1)
MAX_SESSION_CODE_FAILURES = 5
MAX_USER_CODE_FAILURES = 10
LONGEST_WINDOW = max(WINDOW, CODE_WINDOW)  # counters older than this are dropped


@dataclass(frozen=True)
class Subjects:
    account: str
    address: str


def subjects(keyring: Keyring, username: str, address: str) -> Subjects:
    return Subjects(
        account=keyring.blind_index(f"login-account\x00{username.strip().casefold()}"),
        address=keyring.blind_index(f"login-address\x00{address}"),
    )


def reserve(db: Database, subject: str, window: timedelta = WINDOW) -> int:
    """Count one more attempt for `subject`; returns its rank in the current window (from 1).

    The window starts at the first attempt counted and ends `window` later, when the count
    starts again from 1. Atomic on SQLite (one writer at a time) and PostgreSQL (row lock).
    Counters of every subject whose window is long over are dropped on the way, so names
    sprayed at the login form do not pile up.
    """
    now = utcnow()
    expired = login_counters.c.window_started_at < now - window
    with db.write("login", changes_records=False) as unit:
        unit.conn.execute(
            login_counters.delete().where(login_counters.c.window_started_at < now - LONGEST_WINDOW)
        )
        insert = postgres_insert if unit.is_postgres else sqlite_insert
        unit.conn.execute(
            insert(login_counters)
            .values(subject=subject, failures=0, window_started_at=now)
            .on_conflict_do_nothing(index_elements=["subject"])
        )
        rank = unit.conn.execute(
            login_counters.update()
            .where(login_counters.c.subject == subject)
            .values(
                failures=case((expired, 1), else_=login_counters.c.failures + 1),
                window_started_at=case((expired, now), else_=login_counters.c.window_started_at),
            )
            .returning(login_counters.c.failures)
        ).scalar_one()
    return int(rank)


def release(db: Database, *subjects_: str) -> None:
    """Forget the counted attempts of these subjects (after a success)."""
    with db.write("login", changes_records=False) as unit:
        unit.conn.execute(login_counters.delete().where(login_counters.c.subject.in_(subjects_)))


def uncount_one(db: Database, subject: str) -> None:
    """Take back one reserved attempt that turned out to succeed."""
    with db.write("login", changes_records=False) as unit:
        unit.conn.execute(
            login_counters.update()
            .where(login_counters.c.subject == subject, login_counters.c.failures > 0)
            .values(failures=login_counters.c.failures - 1)
        )


def address_delay(rank: int) -> float:
    """Seconds to wait before checking an address's `rank`-th attempt of the window."""
    extra = rank - ADDRESS_FREE_FAILURES
    return 0.0 if extra <= 0 else min(MAX_ADDRESS_DELAY, ADDRESS_DELAY_STEP * extra)


@dataclass(frozen=True)
class PasswordGate:
    """A reserved password check: refused outright, or to run after `delay` seconds."""

    who: Subjects
    account_rank: int
    address_rank: int

    @property
    def throttled(self) -> bool:
        return self.account_rank > MAX_ACCOUNT_FAILURES

    @property
    def delay(self) -> float:
        return address_delay(self.address_rank)


def reserve_password_check(db: Database, who: Subjects) -> PasswordGate:
    return PasswordGate(who, reserve(db, who.account), reserve(db, who.address))


def password_succeeded(db: Database, gate: PasswordGate) -> None:
    """The account's failures no longer count; the address keeps its earlier ones."""
    release(db, gate.who.account)
    uncount_one(db, gate.who.address)


@dataclass(frozen=True)
class CodeGate:
    """A reserved second-factor check, counted for the user and for the pending session."""

    user_subject: str
    session_subject: str
    user_rank: int
    session_rank: int

    @property
    def user_locked(self) -> bool:
        return self.user_rank > MAX_USER_CODE_FAILURES

    @property
    def session_spent(self) -> bool:
        """No more tries on this pending session: it is revoked, the password needed again."""
        return self.session_rank >= MAX_SESSION_CODE_FAILURES

    @property
    def may_check(self) -> bool:
        return not self.user_locked and self.session_rank <= MAX_SESSION_CODE_FAILURES


def reserve_code_check(db: Database, keyring: Keyring, user_id: str, session_hash: str) -> CodeGate:
    user = keyring.blind_index(f"totp-user\x00{user_id}")
    session = keyring.blind_index(f"totp-session\x00{session_hash}")
    return CodeGate(
        user, session, reserve(db, user, CODE_WINDOW), reserve(db, session, CODE_WINDOW)
    )


def code_succeeded(db: Database, gate: CodeGate) -> None:
    release(db, gate.user_subject, gate.session_subject)
