"""Login throttling, per account and per network address.

Attempts are recorded under a keyed hash of the subject (`Keyring.blind_index`), so neither
usernames typed at the login form nor client addresses are ever stored in clear. The same
limits apply to names that do not exist, so throttling tells an attacker nothing about
which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from havenwatch.security.crypto import Keyring
from havenwatch.store.clock import utcnow
from havenwatch.store.database import Database
from havenwatch.store.schema import login_attempts

WINDOW = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20


@dataclass(frozen=True)
class Subjects:
    account: str
    address: str


def subjects(keyring: Keyring, username: str, address: str) -> Subjects:
    return Subjects(
        account=keyring.blind_index(f"login-account\x00{username.strip().casefold()}"),
        address=keyring.blind_index(f"login-address\x00{address}"),
    )


def _recent_failures(db: Database, subject: str) -> int:
    since = utcnow() - WINDOW
    query = select(func.count()).where(
        login_attempts.c.subject == subject,
        login_attempts.c.succeeded.is_(False),
        login_attempts.c.at >= since,
    )
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def is_throttled(db: Database, who: Subjects) -> bool:
    """True when the account or the address has failed too often in the last window."""
    return (
        _recent_failures(db, who.account) >= MAX_ACCOUNT_FAILURES
        or _recent_failures(db, who.address) >= MAX_ADDRESS_FAILURES
    )


def record_attempt(db: Database, who: Subjects, *, succeeded: bool) -> None:
    now = utcnow()
    with db.write("login", changes_records=False) as unit:
        unit.conn.execute(
            login_attempts.insert(),
            [
                {"subject": who.account, "succeeded": succeeded, "at": now},
                {"subject": who.address, "succeeded": succeeded, "at": now},
            ],
        )
        if not succeeded:
            unit.audit("login.failed", detail={"subject": who.account[:12]})


def clear_account(db: Database, who: Subjects) -> None:
    """After a successful login the account's earlier failures no longer count."""
    with db.write("login", changes_records=False) as unit:
        unit.conn.execute(
            login_attempts.delete().where(
                login_attempts.c.subject == who.account, login_attempts.c.succeeded.is_(False)
            )
        )
