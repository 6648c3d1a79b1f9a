"""Checking a username and password, throttled, with one answer for every kind of failure.

Unknown names, wrong passwords and deactivated accounts all cost one argon2 verification and
return the same result, so neither the answer nor its timing tells which accounts exist.
Every attempt is counted (`security.throttle`) before its password is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from havenwatch.access.accounts import account_for_login, hash_password, password_matches
from havenwatch.access.throttle import (
    PasswordGate,
    password_succeeded,
    reserve_password_check,
    subjects,
)
from havenwatch.access.totp import admins_must_use_totp
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database

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


def reserve_login(db: Database, keyring: Keyring, username: str, address: str) -> PasswordGate:
    """Count this attempt for the account and the address before any password is checked."""
    return reserve_password_check(db, subjects(keyring, username[:200], address))


def check_password(db: Database, gate: PasswordGate, username: str, password: str) -> LoginResult:
    """The slow part of a login reserved by `reserve_login` (a throttled one is refused here)."""
    if gate.throttled:
        return LoginResult(Outcome.THROTTLED)
    row = account_for_login(db, username)
    too_long = len(password) > MAX_PASSWORD_LENGTH
    stored = row.password_hash if row is not None else _DUMMY_HASH
    matches = password_matches(stored, "" if too_long else password) and not too_long
    if row is None or not row.active or not matches:
        with db.write("login", changes_records=False) as unit:
            unit.audit("login.failed", detail={"subject": gate.who.account[:12]})
        return LoginResult(Outcome.REFUSED)
    password_succeeded(db, gate)
    has_totp = row.totp_secret is not None
    required = has_totp or (row.role == "admin" and admins_must_use_totp(db))
    return LoginResult(Outcome.ACCEPTED, row.id, required, has_totp)
