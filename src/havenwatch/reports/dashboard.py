"""What the dashboard shows: counts for a scope and what is new since the user's last visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, lead_visibility
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, leads, users


@dataclass(frozen=True)
class Counts:
    open_cases: int
    events_this_month: int
    new_leads: int


def dashboard_counts(db: Database, scope: Scope, today: date) -> Counts:
    """Open cases, events this month and new leads the scope may see."""
    month_start = today.replace(day=1)
    with db.read() as conn:
        open_cases = conn.execute(
            select(func.count()).where(cases.c.status == "open", case_visibility(scope))
        ).scalar_one()
        this_month = conn.execute(
            select(func.count())
            .select_from(events.join(cases, cases.c.id == events.c.case_id))
            .where(
                events.c.date_earliest >= month_start,
                events.c.date_earliest <= today,
                case_visibility(scope),
            )
        ).scalar_one()
        new_leads = conn.execute(
            select(func.count()).where(leads.c.status == "new", lead_visibility(scope))
        ).scalar_one()
    return Counts(int(open_cases), int(this_month), int(new_leads))


@dataclass(frozen=True)
class Notifications:
    since: datetime | None
    new_leads: int
    assigned_cases: list[tuple[str, str]]


def notifications(db: Database, user_id: str, scope: Scope) -> Notifications:
    """New leads for the user's team and cases assigned to them since their previous visit."""
    with db.read() as conn:
        since = conn.execute(
            select(users.c.previous_visit_at).where(users.c.id == user_id)
        ).scalar()
        lead_query = select(func.count()).where(leads.c.status == "new", lead_visibility(scope))
        case_query = (
            select(cases.c.id, cases.c.title)
            .where(cases.c.assigned_user_id == user_id, case_visibility(scope))
            .order_by(cases.c.updated_at.desc())
            .limit(10)
        )
        if since is not None:
            lead_query = lead_query.where(leads.c.created_at > since)
            case_query = case_query.where(cases.c.updated_at > since)
        new_leads = int(conn.execute(lead_query).scalar_one())
        assigned = [(row.id, row.title) for row in conn.execute(case_query)]
    return Notifications(since, new_leads, assigned)
