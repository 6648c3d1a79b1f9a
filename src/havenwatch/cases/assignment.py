"""Assigning a case to a caseworker of its team (the assignee is notified on their dashboard)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, users

ASSIGNABLE_ROLES = ("admin", "caseworker")


def assign_case(
    db: Database,
    case_id: str,
    user_id: str | None,
    actor: str,
    *,
    scope: Scope,
) -> None:
    """Give the case to `user_id` (None: nobody); the user must work in the case's team."""
    with db.write(actor) as unit:
        team_id = _case_team(unit.conn, case_id, scope)
        if user_id is not None:
            assignee = unit.conn.execute(
                select(users.c.id).where(
                    users.c.id == user_id,
                    users.c.team_id == team_id,
                    users.c.active.is_(True),
                    users.c.role.in_(ASSIGNABLE_ROLES),
                )
            ).scalar()
            if assignee is None:
                raise ValidationError("assignee", "choose an active caseworker of the case's team")
        unit.conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(assigned_user_id=user_id, updated_at=utcnow())
        )
        unit.audit(
            "case.assign",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
            detail={"assignee": user_id},
        )


def _case_team(conn: Connection, case_id: str, scope: Scope) -> str:
    query = select(cases.c.team_id).where(cases.c.id == case_id, case_visibility(scope))
    team_id = conn.execute(query).scalar()
    if team_id is None:
        raise NotFoundError(f"no case {case_id}")
    return str(team_id)


def assignable_users(db: Database, case_id: str, *, scope: Scope) -> list[tuple[str, str]]:
    """(id, username) of the active caseworkers and admins of the team of a case of the scope."""
    with db.read() as conn:
        return assignees_in(conn, case_id, scope)


def assignees_in(conn: Connection, case_id: str, scope: Scope) -> list[tuple[str, str]]:
    """`assignable_users` inside a transaction the caller holds."""
    team_id = _case_team(conn, case_id, scope)
    rows = conn.execute(
        select(users.c.id, users.c.username)
        .where(
            users.c.team_id == team_id,
            users.c.active.is_(True),
            users.c.role.in_(ASSIGNABLE_ROLES),
        )
        .order_by(users.c.username)
    )
    return [(row.id, row.username) for row in rows]
