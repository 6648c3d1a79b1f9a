"""Server-side login sessions: the browser holds a random token, the database only its hash.

A session is created at login (always a new token, so a token planted before login is
worthless), expires after `IDLE_TIMEOUT` without use or `ABSOLUTE_LIFETIME` after login, and
can be revoked at any time: at logout, by an administrator, or when an account is disabled.
Each session carries its own CSRF synchronizer token, which every form posts back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from havenwatch.core.clock import utcnow
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, sessions

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(seconds=60)
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Session:
    token_hash: str
    user_id: str
    csrf_token: str
    second_factor_done: bool
    last_seen_at: datetime
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_from_row(row: AnyRow) -> Session:
    return Session(
        token_hash=row.token_hash,
        user_id=row.user_id,
        csrf_token=row.csrf_token,
        second_factor_done=row.second_factor_done,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


def create_session(
    db: Database, user_id: str, *, second_factor_done: bool, actor: str
) -> tuple[str, Session]:
    """A new session; returns the token for the cookie (never stored) and the session."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    row: dict[str, Any] = {
        "token_hash": hash_token(token),
        "user_id": user_id,
        "csrf_token": secrets.token_urlsafe(TOKEN_BYTES),
        "second_factor_done": second_factor_done,
        "last_seen_at": now,
        "expires_at": now + ABSOLUTE_LIFETIME,
        "created_at": now,
    }
    with db.write(actor) as unit:
        unit.conn.execute(sessions.insert().values(**row))
    return token, Session(
        token_hash=row["token_hash"],
        user_id=user_id,
        csrf_token=row["csrf_token"],
        second_factor_done=second_factor_done,
        last_seen_at=now,
        expires_at=row["expires_at"],
    )


def is_live(session: Session, now: datetime) -> bool:
    return now < session.expires_at and now - session.last_seen_at < IDLE_TIMEOUT


def token_digest(token: str | None) -> str | None:
    """The stored hash of a cookie token; None for a missing or oversized one."""
    if not token or len(token) > 200:
        return None
    return hash_token(token)


def session_lookup(digest: str) -> Select[Any]:
    """The unrevoked session row with that token hash (liveness is checked by `accept_session`)."""
    return select(sessions).where(sessions.c.token_hash == digest, sessions.c.revoked_at.is_(None))


def accept_session(db: Database, row: AnyRow) -> Session | None:
    """The session of a looked-up row if still live, its last use refreshed now and then."""
    session = _session_from_row(row)
    now = utcnow()
    if not is_live(session, now):
        return None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        with db.write("session", changes_records=False) as unit:
            unit.conn.execute(
                sessions.update()
                .where(sessions.c.token_hash == session.token_hash)
                .values(last_seen_at=now)
            )
    return session


def complete_second_factor(db: Database, token_hash: str, actor: str) -> None:
    with db.write(actor) as unit:
        unit.conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == token_hash)
            .values(second_factor_done=True)
        )


def revoke_session(db: Database, token_hash: str, actor: str) -> None:
    with db.write(actor) as unit:
        unit.conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_user_sessions(db: Database, user_id: str, actor: str) -> int:
    """End every session of a user; returns how many were live."""
    with db.write(actor) as unit:
        result = unit.conn.execute(
            sessions.update()
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        unit.audit("session.revoke_all", target_type="user", target_id=user_id)
    return int(result.rowcount)


def csrf_matches(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf_token, submitted or "")
