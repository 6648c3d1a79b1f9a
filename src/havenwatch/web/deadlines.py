"""Deadlines for the workspace: a case's recorded events handed to the legal engine.

This module only gathers events from the database; counting, roll-over, remedies and their
warnings are the legal engine's (`havenwatch.legal.workflow`), and calendar files are built by
`havenwatch.legal.calendar_feed`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from havenwatch.cases.vocabulary import vocabulary
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, cases, events

if TYPE_CHECKING:
    from havenwatch.legal.model import Jurisdiction
    from havenwatch.legal.workflow import CaseDeadline, CaseDeadlines

REMEDY_EVENT_TYPES = ("appeal", "departure")
LOOKBACK_DAYS = 400
DASHBOARD_CASE_LIMIT = 500


@cache
def jurisdiction(country: str) -> Jurisdiction | None:
    """The rules for a host country, or None where no rules file exists."""
    from havenwatch.legal.rules import available_jurisdictions, load_jurisdiction

    if country not in available_jurisdictions():
        return None
    return load_jurisdiction(country)


def _day_of(row: AnyRow) -> date | None:
    return row.date_earliest if row.date_precision == "day" else None


def deadlines_from_rows(country: str, rows: Sequence[AnyRow], today: date) -> CaseDeadlines | None:
    from havenwatch.legal.workflow import DecisionEvent, RemedyEvent, case_deadlines

    rules = jurisdiction(country)
    if rules is None:
        return None
    decision_types = vocabulary().decision_event_types
    decisions, remedies = [], []
    for row in rows:
        day = _day_of(row)
        if row.type in decision_types and (day or row.served_on):
            decisions.append(
                DecisionEvent(
                    event_id=row.id,
                    event_type=row.type,
                    date=day or row.served_on,
                    decision_code=row.decision_code,
                    served_on=row.served_on,
                    departure_days=row.deadline_days,
                )
            )
        elif row.type in REMEDY_EVENT_TYPES and day:
            remedies.append(RemedyEvent(event_id=row.id, event_type=row.type, date=day))
    return case_deadlines(rules, decisions, remedies, today)


def _event_rows(db: Database, case_ids: Collection[str]) -> dict[str, list[AnyRow]]:
    grouped: dict[str, list[AnyRow]] = {case_id: [] for case_id in case_ids}
    with db.read() as conn:
        for row in conn.execute(select(events).where(events.c.case_id.in_(list(case_ids)))):
            grouped[row.case_id].append(row)
    return grouped


def deadlines_for_case(
    db: Database, case_id: str, country: str, today: date
) -> CaseDeadlines | None:
    return deadlines_from_rows(country, _event_rows(db, [case_id])[case_id], today)


@dataclass(frozen=True)
class TeamDeadline:
    case_id: str
    case_title: str
    deadline: CaseDeadline


def _recent_decision_cases(
    db: Database, team_ids: Collection[str] | None, today: date
) -> list[AnyRow]:
    """Open cases with a decision in the last `LOOKBACK_DAYS`, latest decision first.

    At most `DASHBOARD_CASE_LIMIT` of them: the cases whose decisions are newest, whose
    deadlines are the ones still running.
    """
    since = today - timedelta(days=LOOKBACK_DAYS)
    decided = func.max(func.coalesce(events.c.served_on, events.c.date_earliest))
    recent = (
        select(events.c.case_id, decided.label("decided"))
        .where(
            events.c.type.in_(sorted(vocabulary().decision_event_types)),
            (events.c.date_earliest >= since) | (events.c.served_on >= since),
        )
        .group_by(events.c.case_id)
        .subquery()
    )
    query = (
        select(cases.c.id, cases.c.title, cases.c.country)
        .join(recent, recent.c.case_id == cases.c.id)
        .where(cases.c.status == "open")
        .order_by(recent.c.decided.desc(), cases.c.id)
        .limit(DASHBOARD_CASE_LIMIT)
    )
    if team_ids is not None:
        query = query.where(cases.c.team_id.in_(list(team_ids)))
    with db.read() as conn:
        return list(conn.execute(query))


def team_deadlines(
    db: Database, team_ids: Collection[str] | None, today: date, within_days: int = 14
) -> list[TeamDeadline]:
    """Open deadlines due within `within_days` and overdue ones, overdue first."""
    from havenwatch.legal.workflow import due_soon

    case_rows = _recent_decision_cases(db, team_ids, today)
    grouped = _event_rows(db, [row.id for row in case_rows])
    found: list[TeamDeadline] = []
    for row in case_rows:
        plan = deadlines_from_rows(row.country, grouped[row.id], today)
        if plan is None:
            continue
        found += [
            TeamDeadline(row.id, row.title, item)
            for item in due_soon(plan.deadlines, today, within_days)
        ]
    return sorted(
        found,
        key=lambda item: (item.deadline.status != "overdue", item.deadline.step.due or date.max),
    )
