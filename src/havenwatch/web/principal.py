"""Who is asking: the signed-in user from the session cookie or a personal API token."""

from __future__ import annotations

from sqlalchemy import select

from havenwatch.security.permissions import Principal
from havenwatch.store.database import Database
from havenwatch.store.schema import teams, users


class LoginRequired(Exception):
    """No live session: pages redirect to the login form, the API answers 401."""


class SecondFactorRequired(Exception):
    """Password accepted, second factor still to give (or to set up)."""


def load_principal(db: Database, user_id: str) -> Principal | None:
    """The active user with that id, or None (unknown or deactivated)."""
    with db.read() as conn:
        row = conn.execute(
            select(
                users.c.id,
                users.c.username,
                users.c.role,
                users.c.team_id,
                users.c.locale,
                teams.c.name.label("team"),
            )
            .join(teams, teams.c.id == users.c.team_id)
            .where(users.c.id == user_id, users.c.active.is_(True))
        ).first()
    if row is None:
        return None
    return Principal(
        user_id=row.id,
        username=row.username,
        role=row.role,
        team_id=row.team_id,
        team=row.team,
        locale=row.locale,
    )
