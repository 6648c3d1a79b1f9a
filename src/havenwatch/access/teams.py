"""Teams: the unit of access. A caseworker sees the people and cases of their own team."""

from __future__ import annotations

from sqlalchemy import Connection, select

from havenwatch.core.clock import utcnow
from havenwatch.core.ids import new_id
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import teams

DEFAULT_TEAM = "default"


def team_id_by_name(conn: Connection, name: str) -> str | None:
    return conn.execute(select(teams.c.id).where(teams.c.name == name)).scalar()


def ensure_team(unit: Unit, name: str) -> str:
    """The team's id, creating the team the first time its name is used."""
    existing = team_id_by_name(unit.conn, name)
    if existing:
        return existing
    team_id = new_id()
    unit.conn.execute(teams.insert().values(id=team_id, name=name, created_at=utcnow()))
    unit.audit("team.create", target_type="team", target_id=team_id, detail={"name": name})
    return team_id


def team_names(conn: Connection) -> dict[str, str]:
    return {row.id: row.name for row in conn.execute(select(teams.c.id, teams.c.name))}


def list_team_names(db: Database) -> list[str]:
    """Every team's name, in order."""
    with db.read() as conn:
        return [
            str(name)
            for name in conn.execute(select(teams.c.name).order_by(teams.c.name)).scalars()
        ]
