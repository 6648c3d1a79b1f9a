"""Staff e-mail addresses for deadline reminders, sealed under the key file's KEK.

An address identifies the lawyer it belongs to, so it is never stored in clear; like TOTP
secrets it is sealed with the KEK itself (key rotation re-seals it) and bound to its user.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.crypto.keys import Keyring, seal, unseal
from havenwatch.crypto.sealing import aad
from havenwatch.store.database import Database
from havenwatch.store.schema import users

ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
MAX_LENGTH = 254


def seal_email(keyring: Keyring, user_id: str, address: str) -> bytes:
    return seal(keyring.kek, address.encode(), aad("users", "email", user_id))


def open_email(keyring: Keyring, user_id: str, sealed: bytes) -> str:
    return unseal(keyring.kek, sealed, aad("users", "email", user_id)).decode()


def set_email(db: Database, username: str, address: str | None, actor: str) -> None:
    """Where `username`'s reminders go (None: nowhere). The audit entry never holds it."""
    if address is not None and (len(address) > MAX_LENGTH or not ADDRESS.match(address)):
        raise ValidationError.of("email", "email.invalid")
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        user_id = unit.conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise NotFoundError(f"no user {username}")
        sealed = seal_email(keyring, user_id, address) if address else None
        unit.conn.execute(users.update().where(users.c.id == user_id).values(email=sealed))
        unit.audit(
            "user.set_email", target_type="user", target_id=user_id, detail={"set": bool(address)}
        )
