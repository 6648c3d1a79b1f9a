"""Optional TOTP second factor (RFC 6238), with the secret sealed in `users.totp_secret`.

A code is accepted once: the time step it belongs to is recorded (under a keyed hash, in
`login_attempts`) and a second use of the same step is refused. Administrators must use a
second factor when the instance setting `security.require_admin_totp` is on.
"""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select

from havenwatch.core.clock import utcnow
from havenwatch.crypto.keys import Keyring, seal, unseal
from havenwatch.crypto.sealing import aad
from havenwatch.store.database import Database
from havenwatch.store.schema import instance_settings, login_attempts, users

REQUIRE_ADMIN_SETTING = "security.require_admin_totp"
ISSUER = "havenwatch"
SECRET_LENGTH = 32  # base32 characters: 160 bits
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32(SECRET_LENGTH)


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def seal_secret(keyring: Keyring, user_id: str, secret: str) -> bytes:
    return seal(keyring.kek, secret.encode(), aad("users", "totp_secret", user_id))


def open_secret(keyring: Keyring, user_id: str, sealed: bytes) -> str:
    return unseal(keyring.kek, sealed, aad("users", "totp_secret", user_id)).decode()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to, within one step of now, or None."""
    clean = "".join(code.split())
    if not (clean.isdigit() and len(clean) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if totp.verify(clean, for_time=moment, valid_window=0):
            return int(moment.timestamp()) // totp.interval
    return None


def verify_code(db: Database, keyring: Keyring, user_id: str, secret: str, code: str) -> bool:
    """True for a current code never used before; the step is then marked as used."""
    step = _matching_step(secret, code)
    if step is None:
        return False
    subject = keyring.blind_index(f"totp-step\x00{user_id}\x00{step}")
    with db.write("login") as unit:
        used = unit.conn.execute(
            select(login_attempts.c.id).where(login_attempts.c.subject == subject)
        ).first()
        if used is not None:
            return False
        unit.conn.execute(
            login_attempts.insert().values(subject=subject, succeeded=True, at=utcnow())
        )
    return True


def user_secret(db: Database, keyring: Keyring, user_id: str) -> str | None:
    with db.read() as conn:
        sealed = conn.execute(select(users.c.totp_secret).where(users.c.id == user_id)).scalar()
    return open_secret(keyring, user_id, sealed) if sealed else None


def enrol(db: Database, keyring: Keyring, user_id: str, secret: str, actor: str) -> None:
    with db.write(actor) as unit:
        unit.conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(totp_secret=seal_secret(keyring, user_id, secret))
        )
        unit.audit("user.totp_enrol", target_type="user", target_id=user_id)


def admins_must_use_totp(db: Database) -> bool:
    with db.read() as conn:
        value = conn.execute(
            select(instance_settings.c.value).where(
                instance_settings.c.key == REQUIRE_ADMIN_SETTING
            )
        ).scalar()
    return bool(value)


def set_admins_must_use_totp(db: Database, required: bool, actor: str) -> None:
    with db.write(actor) as unit:
        unit.conn.execute(
            instance_settings.delete().where(instance_settings.c.key == REQUIRE_ADMIN_SETTING)
        )
        unit.conn.execute(
            instance_settings.insert().values(key=REQUIRE_ADMIN_SETTING, value=required)
        )
        unit.audit("settings.require_admin_totp", detail={"required": required})
