"""Who is asking: the user of a live session, or of an id, as a `Principal`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from havenwatch.access.permissions import Principal
from havenwatch.access.sessions import Session, accept_session, session_lookup, token_digest
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, sessions, teams, users

PRINCIPAL_COLUMNS: tuple[ColumnElement[object], ...] = (
    users.c.username,
    users.c.role,
    users.c.team_id,
    users.c.locale,
    users.c.active,
    teams.c.name.label("team"),
)


@dataclass(frozen=True)
class SignedIn:
    """A live session and its user; `principal` is None once the account is deactivated."""

    session: Session
    principal: Principal | None


def _principal_from_row(row: AnyRow) -> Principal | None:
    if not row.active:
        return None
    return Principal(
        user_id=row.user_id,
        username=row.username,
        role=row.role,
        team_id=row.team_id,
        team=row.team,
        locale=row.locale,
    )


def load_principal(db: Database, user_id: str) -> Principal | None:
    """The active user with that id, or None (unknown or deactivated)."""
    with db.read() as conn:
        row = conn.execute(
            select(users.c.id.label("user_id"), *PRINCIPAL_COLUMNS)
            .join(teams, teams.c.id == users.c.team_id)
            .where(users.c.id == user_id)
        ).first()
    return _principal_from_row(row) if row is not None else None


def load_signed_in(db: Database, token: str | None) -> SignedIn | None:
    """The live session for a cookie token and its user, read in one query."""
    digest = token_digest(token)
    if digest is None:
        return None
    query = (
        session_lookup(digest)
        .add_columns(*PRINCIPAL_COLUMNS)
        .join(users, users.c.id == sessions.c.user_id)
        .join(teams, teams.c.id == users.c.team_id)
    )
    with db.read() as conn:
        row = conn.execute(query).first()
    session = accept_session(db, row) if row is not None else None
    if row is None or session is None:
        return None
    return SignedIn(session, _principal_from_row(row))
