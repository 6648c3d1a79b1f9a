"""A case's legal deadlines, from its recorded events and its host country's rules.

The legal engine (`havenwatch.legal`) is pure; this module feeds it the events stored for a
case and turns its answers into what the workspace shows: each case's deadlines, the team's
deadlines due soon (overdue first), and iCalendar feeds of both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from havenwatch.cases.events import list_events
from havenwatch.cases.model import Event
from havenwatch.legal.calendar_feed import build_calendar, entry_for_step
from havenwatch.legal.model import Jurisdiction
from havenwatch.legal.rules import available_jurisdictions, load_jurisdiction
from havenwatch.legal.workflow import (
    CaseDeadline,
    CaseDeadlines,
    DecisionEvent,
    RemedyEvent,
    case_deadlines,
    default_decision,
    due_soon,
)
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events

REMEDY_EVENT_TYPES = frozenset({"appeal", "departure"})
# The longest period the rules know (four months to Strasbourg) plus slack: older decisions
# cannot have deadlines still running, so the team view need not look at them.
LOOKBACK_DAYS = 200


@dataclass(frozen=True)
class DueDeadline:
    """One deadline of one case, for lists that span cases."""

    case_id: str
    case_title: str
    deadline: CaseDeadline


@cache
def rules_for(country: str) -> Jurisdiction | None:
    """The jurisdiction rules for a host country, or None where havenwatch has none."""
    if country not in available_jurisdictions():
        return None
    return load_jurisdiction(country)


def _day_of(event: Event) -> dt.date | None:
    return event.date.exact if event.date else None


def split_events(
    rules: Jurisdiction, timeline: Iterable[Event]
) -> tuple[list[DecisionEvent], list[RemedyEvent]]:
    """Decisions (which open deadlines) and remedies (which meet them) among a case's events."""
    decisions, remedies = [], []
    for event in timeline:
        day = event.served_on or _day_of(event)
        if day is None or event.id is None:
            continue
        if event.type in REMEDY_EVENT_TYPES:
            remedies.append(RemedyEvent(event.id, event.type, day, remedy=event.decision_code))
        elif event.decision_code or default_decision(rules, event.type):
            decisions.append(
                DecisionEvent(
                    event_id=event.id,
                    event_type=event.type,
                    date=_day_of(event) or day,
                    decision_code=event.decision_code,
                    served_on=event.served_on,
                    departure_days=event.deadline_days if event.type == "expulsion_order" else None,
                )
            )
    return decisions, remedies


def deadlines_of_case(
    db: Database,
    case_id: str,
    country: str,
    *,
    today: dt.date,
    team_ids: Collection[str] | None = None,
) -> CaseDeadlines | None:
    """The case's deadlines, or None when its country has no rules."""
    rules = rules_for(country)
    if rules is None:
        return None
    decisions, remedies = split_events(rules, list_events(db, case_id, team_ids=team_ids))
    return case_deadlines(rules, decisions, remedies, today)


def _recent_cases(
    db: Database, team_ids: Collection[str] | None, today: dt.date
) -> list[tuple[str, str, str]]:
    since = today - dt.timedelta(days=LOOKBACK_DAYS)
    query = (
        select(cases.c.id, cases.c.country, cases.c.title)
        .where(cases.c.status == "open")
        .where(
            cases.c.id.in_(
                select(events.c.case_id).where(
                    (events.c.served_on >= since) | (events.c.date_earliest >= since)
                )
            )
        )
    )
    if team_ids is not None:
        query = query.where(cases.c.team_id.in_(team_ids))
    with db.read() as conn:
        return [(row.id, row.country, row.title) for row in conn.execute(query)]


def deadlines_due(
    db: Database, *, today: dt.date, within_days: int = 14, team_ids: Collection[str] | None = None
) -> list[DueDeadline]:
    """Deadlines due within `within_days` across the team's open cases, overdue ones first."""
    found = []
    for case_id, country, title in _recent_cases(db, team_ids, today):
        plan = deadlines_of_case(db, case_id, country, today=today, team_ids=team_ids)
        if plan is not None:
            found += [
                DueDeadline(case_id, title, item)
                for item in due_soon(plan.deadlines, today, within_days)
            ]
    return sorted(
        found, key=lambda d: (d.deadline.status != "overdue", d.deadline.step.due or dt.date.max)
    )


def calendar_of(entries: Iterable[tuple[str, CaseDeadline]], name: str) -> bytes:
    """An .ics feed of open deadlines; each entry is (title prefix, deadline)."""
    feed = []
    for prefix, item in entries:
        if item.status in ("open", "overdue"):
            entry = entry_for_step(item.deadline_id, item.step, prefix)
            if entry is not None:
                feed.append(entry)
    return build_calendar(feed, name=name)
