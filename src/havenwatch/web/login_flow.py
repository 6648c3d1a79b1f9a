"""Checking a username and password, throttled, with one answer for every kind of failure.

Unknown names, wrong passwords and deactivated accounts all cost one argon2 verification and
return the same result, so neither the answer nor its timing tells which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select

from havenwatch.security.accounts import hash_password, password_matches
from havenwatch.security.crypto import Keyring
from havenwatch.security.throttle import clear_account, is_throttled, record_attempt, subjects
from havenwatch.security.totp import admins_must_use_totp
from havenwatch.store.database import Database
from havenwatch.store.schema import users

MAX_PASSWORD_LENGTH = 1024
_DUMMY_HASH = hash_password("not a password of anyone here")


class Outcome(Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    user_id: str | None = None
    needs_second_factor: bool = False
    has_totp: bool = False


def authenticate(
    db: Database, keyring: Keyring, username: str, password: str, address: str
) -> LoginResult:
    who = subjects(keyring, username[:200], address)
    if is_throttled(db, who):
        return LoginResult(Outcome.THROTTLED)
    with db.read() as conn:
        row = conn.execute(
            select(
                users.c.id, users.c.password_hash, users.c.role, users.c.totp_secret, users.c.active
            ).where(users.c.username == username.strip()[:200])
        ).first()
    too_long = len(password) > MAX_PASSWORD_LENGTH
    stored = row.password_hash if row is not None else _DUMMY_HASH
    matches = password_matches(stored, "" if too_long else password) and not too_long
    if row is None or not row.active or not matches:
        record_attempt(db, who, succeeded=False)
        return LoginResult(Outcome.REFUSED)
    record_attempt(db, who, succeeded=True)
    clear_account(db, who)
    has_totp = row.totp_secret is not None
    required = has_totp or (row.role == "admin" and admins_must_use_totp(db))
    return LoginResult(Outcome.ACCEPTED, row.id, required, has_totp)
