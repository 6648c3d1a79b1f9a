"""Incidents per month by type, counted honestly from each date's precision.

An event is counted in a month only when its recorded date cannot fall outside that month
(a day, a month, or a range inside one month). Events known only to the year, or to a range
across months, are counted apart as "not placed in a month" rather than guessed into one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import ColumnElement, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility
from havenwatch.core.vocabulary import vocabulary
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events


@cache
def _settings() -> dict[str, Any]:
    text = resources.files("havenwatch.reports").joinpath("statistics.json").read_text("utf-8")
    return dict(json.loads(text))


def incident_types() -> tuple[str, ...]:
    excluded = set(_settings()["not_incidents"])
    return tuple(code for code in vocabulary().event_types if code not in excluded)


@dataclass(frozen=True)
class MonthlyIncidents:
    """Counts per (month, event type) over consecutive months, plus what could not be placed."""

    months: tuple[str, ...]
    types: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    not_placed: int

    def count(self, month: str, event_type: str) -> int:
        return self.counts.get((month, event_type), 0)

    def month_total(self, month: str) -> int:
        return sum(self.count(month, event_type) for event_type in self.types)

    def type_total(self, event_type: str) -> int:
        return sum(self.count(month, event_type) for month in self.months)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def month_keys(last: date, count: int) -> tuple[str, ...]:
    """`count` consecutive `YYYY-MM` keys ending with `last`'s month."""
    keys = []
    year, month = last.year, last.month
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(reversed(keys))


def _month_of(db: Database, column: Any) -> ColumnElement[str]:
    if db.is_postgres:
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def latest_incident_day(db: Database, scope: Scope, today: date) -> date:
    """The last day with a recorded incident, not after today (today when there is none)."""
    query = select(func.max(events.c.date_latest)).where(
        events.c.date_latest <= today, events.c.type.in_(incident_types())
    )
    if not scope.every_team:
        query = query.join(cases, cases.c.id == events.c.case_id).where(case_visibility(scope))
    with db.read() as conn:
        latest = conn.execute(query).scalar()
    return latest if isinstance(latest, date) else today


def incidents_per_month(
    db: Database, *, scope: Scope, last_day: date, months: int | None = None
) -> MonthlyIncidents:
    keys = month_keys(last_day, months or int(_settings()["months_shown"]))
    first = date.fromisoformat(f"{keys[0]}-01")
    types = incident_types()
    in_window = [
        events.c.date_latest >= first,
        events.c.date_earliest <= last_day,
        events.c.type.in_(types),
    ]
    if not scope.every_team:
        in_window.append(events.c.case_id.in_(select(cases.c.id).where(case_visibility(scope))))
    start_month, end_month = (
        _month_of(db, events.c.date_earliest),
        _month_of(db, events.c.date_latest),
    )
    placed = (
        select(start_month.label("month"), events.c.type, func.count().label("n"))
        .where(*in_window, start_month == end_month)
        .group_by(start_month, events.c.type)
    )
    unplaced = select(func.count()).where(
        *in_window,
        (start_month != end_month)
        | events.c.date_earliest.is_(None)
        | events.c.date_latest.is_(None),
    )
    with db.read() as conn:
        counts = {
            (row.month, row.type): int(row.n) for row in conn.execute(placed) if row.month in keys
        }
        not_placed = int(conn.execute(unplaced).scalar_one())
    return MonthlyIncidents(keys, types, counts, not_placed)
