"""Read-only calendar tokens: what a calendar app puts in a feed URL instead of an API token.

A calendar token opens one feed and nothing else: the deadlines of one case, or of its owner's
teams when it names no case. It cannot call the API, open a page or change anything, and its
owner revokes it alone, without touching other feeds or API tokens. Like an API token it is
shown once and stored only as a SHA-256 hash. The feed is read with the owner's rights of the
moment: the token of a deactivated user opens nothing, and the web layer checks the case is
still visible to the owner's team.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from havenwatch.access.api_tokens import record_use, revoke_owned, token_hash
from havenwatch.core.clock import utcnow
from havenwatch.core.ids import new_id
from havenwatch.store.database import Database
from havenwatch.store.schema import calendar_tokens, users

PREFIX = "hwcal_"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class CalendarToken:
    id: str
    case_id: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


def create_calendar_token(db: Database, user_id: str, case_id: str | None, actor: str) -> str:
    """A new token for one feed (a case, or the user's teams); the returned text is the only
    copy. The caller checks the user may see the case."""
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token_id = new_id()
    with db.write(actor) as unit:
        unit.conn.execute(
            calendar_tokens.insert().values(
                id=token_id,
                user_id=user_id,
                case_id=case_id,
                token_hash=token_hash(token),
                created_at=utcnow(),
            )
        )
        unit.audit(
            "calendar_token.create",
            target_type="calendar_token",
            target_id=token_id,
            case_id=case_id,
        )
    return token


def list_calendar_tokens(db: Database, user_id: str) -> list[CalendarToken]:
    query = (
        select(calendar_tokens)
        .where(calendar_tokens.c.user_id == user_id)
        .order_by(calendar_tokens.c.created_at.desc())
    )
    with db.read() as conn:
        return [
            CalendarToken(
                row.id, row.case_id, row.created_at, row.last_used_at, row.revoked_at is not None
            )
            for row in conn.execute(query)
        ]


def revoke_calendar_token(db: Database, user_id: str, token_id: str, actor: str) -> None:
    revoke_owned(db, calendar_tokens, user_id, token_id, actor, "calendar_token")


def user_for_calendar_token(db: Database, token: str | None, case_id: str | None) -> str | None:
    """The id of the active user whose live token opens this feed (`case_id` None: the team
    feed), or None. API tokens and tokens of another feed open nothing."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = token_hash(token)
    feed = (
        calendar_tokens.c.case_id.is_(None)
        if case_id is None
        else calendar_tokens.c.case_id == case_id
    )
    with db.read() as conn:
        row = conn.execute(
            select(calendar_tokens.c.user_id, calendar_tokens.c.last_used_at)
            .join(users, users.c.id == calendar_tokens.c.user_id)
            .where(
                calendar_tokens.c.token_hash == digest,
                calendar_tokens.c.revoked_at.is_(None),
                feed,
                users.c.active.is_(True),
            )
        ).first()
    if row is None:
        return None
    record_use(db, calendar_tokens, digest, row.last_used_at)
    return str(row.user_id)
