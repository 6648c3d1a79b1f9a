"""Assigning a case to a caseworker of its team (the assignee is notified on their dashboard)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

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
    team_ids: Collection[str] | None = None,
) -> None:
    """Give the case to `user_id` (None: nobody); the user must work in the case's team."""
    with db.write(actor) as unit:
        query = select(cases.c.team_id).where(cases.c.id == case_id)
        if team_ids is not None:
            query = query.where(cases.c.team_id.in_(list(team_ids)))
        team_id = unit.conn.execute(query).scalar()
        if team_id is None:
            raise NotFoundError(f"no case {case_id}")
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
                raise ValidationError.of("assignee", "assignee.not_caseworker")
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


def assignable_users(db: Database, case_team_id: str) -> list[tuple[str, str]]:
    """(id, username) of the active caseworkers and admins of a team."""
    with db.read() as conn:
        rows = conn.execute(
            select(users.c.id, users.c.username)
            .where(
                users.c.team_id == case_team_id,
                users.c.active.is_(True),
                users.c.role.in_(ASSIGNABLE_ROLES),
            )
            .order_by(users.c.username)
        )
        return [(row.id, row.username) for row in rows]
