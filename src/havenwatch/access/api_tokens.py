"""Personal API tokens: shown once at creation, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, select

from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.store.database import Database
from havenwatch.store.schema import api_tokens, users

PREFIX = "hw_"
TOKEN_BYTES = 32
USE_RECORD_INTERVAL = timedelta(minutes=5)


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, user_id: str, name: str, actor: str) -> str:
    """A new token for the user; the returned text is the only copy."""
    label = " ".join(name.split())[:120]
    if not label:
        raise ValidationError.of("name", "token.name_required")
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token_id = new_id()
    with db.write(actor) as unit:
        unit.conn.execute(
            api_tokens.insert().values(
                id=token_id,
                user_id=user_id,
                name=label,
                token_hash=token_hash(token),
                created_at=utcnow(),
            )
        )
        unit.audit("api_token.create", target_type="api_token", target_id=token_id)
    return token


def list_tokens(db: Database, user_id: str) -> list[ApiToken]:
    query = (
        select(api_tokens)
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.created_at.desc())
    )
    with db.read() as conn:
        return [
            ApiToken(row.id, row.name, row.created_at, row.last_used_at, row.revoked_at is not None)
            for row in conn.execute(query)
        ]


def revoke_token(db: Database, user_id: str, token_id: str, actor: str) -> None:
    revoke_owned(db, api_tokens, user_id, token_id, actor, "api_token")


def revoke_owned(
    db: Database, table: Table, user_id: str, token_id: str, actor: str, kind: str
) -> None:
    """Revoke one of the user's live tokens of a kind (API or calendar), audited."""
    with db.write(actor) as unit:
        result = unit.conn.execute(
            table.update()
            .where(table.c.id == token_id, table.c.user_id == user_id, table.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if result.rowcount == 0:
            raise NotFoundError(f"no token {token_id}")
        unit.audit(f"{kind}.revoke", target_type=kind, target_id=token_id)


def record_use(db: Database, table: Table, digest: str, last_used_at: datetime | None) -> None:
    """Note when a token was last used, at most once per `USE_RECORD_INTERVAL` (no change to
    the records, so caches stay valid)."""
    now = utcnow()
    if last_used_at is None or now - last_used_at >= USE_RECORD_INTERVAL:
        with db.write("token", changes_records=False) as unit:
            unit.conn.execute(
                table.update().where(table.c.token_hash == digest).values(last_used_at=now)
            )


def user_for_token(db: Database, token: str | None) -> str | None:
    """The id of the active user owning a live token, or None."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = token_hash(token)
    with db.read() as conn:
        row = conn.execute(
            select(api_tokens.c.user_id, api_tokens.c.last_used_at)
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(
                api_tokens.c.token_hash == digest,
                api_tokens.c.revoked_at.is_(None),
                users.c.active.is_(True),
            )
        ).first()
    if row is None:
        return None
    record_use(db, api_tokens, digest, row.last_used_at)
    return str(row.user_id)
