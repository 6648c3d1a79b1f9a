"""Questions a team asks of its own cases: how many people, cases and events, and how appeals end.

"How many security designations in Serbia this year?" is one `Question` (host country, period,
event type, grounds, nationality, authority) and one `answer()`: people, cases and events side
by side, per event type, and the appeals lodged in the period with their outcomes.

An event counts in a period only when its recorded date cannot fall outside it (a day, a month,
or a range inside the period); an event whose date only overlaps the period is counted apart as
"not placed", never guessed in. Counts are team-scoped: the caller passes its `Scope`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import ColumnElement, Connection, Join, ScalarSelect, and_, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility
from havenwatch.core.csv_cells import SafeWriter
from havenwatch.core.errors import ValidationError
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.statistics import incident_types
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people

PERIOD = re.compile(r"\A(\d{4})(?:-(?:Q([1-4])|(\d{2})))?\Z")
CSV_COLUMNS = ("period_from", "period_to", "event_type", "label", "people", "cases", "events")
DECIDED = {"granted": "granted", "partly_granted": "granted", "rejected": "rejected"}


@dataclass(frozen=True)
class Question:
    """What to count; every field is optional except the period's bounds."""

    date_from: date
    date_to: date
    country: str | None = None
    event_type: str | None = None
    grounds: str | None = None
    nationality: str | None = None
    authority: str | None = None


@dataclass(frozen=True)
class Counts:
    people: int = 0
    cases: int = 0
    events: int = 0


@dataclass(frozen=True)
class AppealOutcomes:
    """Appeals lodged in the period, by how they ended (by the first decision after them)."""

    appealed: int = 0
    granted: int = 0
    rejected: int = 0
    withdrawn: int = 0
    pending: int = 0
    median_days_to_decision: float | None = None


@dataclass(frozen=True)
class Answer:
    question: Question
    total: Counts
    by_type: dict[str, Counts] = field(default_factory=dict)
    not_placed: int = 0
    appeals: AppealOutcomes = AppealOutcomes()


def parse_period(text: str) -> tuple[date, date]:
    """'2025', '2025-Q2' or '2025-03' as its first and last day."""
    match = PERIOD.match(text.strip())
    if not match:
        raise ValidationError(
            "period", f"{text!r} is not a year, quarter or month (2025, 2025-Q2, 2025-03)"
        )
    year, quarter, month = int(match.group(1)), match.group(2), match.group(3)
    if quarter:
        first = date(year, 3 * int(quarter) - 2, 1)
        return first, _month_end(date(year, 3 * int(quarter), 1))
    if month:
        if not 1 <= int(month) <= 12:
            raise ValidationError("period", f"{text!r}: no month {month}")
        first = date(year, int(month), 1)
        return first, _month_end(first)
    return date(year, 1, 1), date(year, 12, 31)


def answer(db: Database, question: Question, *, scope: Scope) -> Answer:
    """Counts for `question` over the cases of the scope."""
    if question.date_to < question.date_from:
        raise ValidationError("period", "the period ends before it begins")
    matching = _matching(question, scope)
    placed = and_(
        events.c.date_earliest >= question.date_from, events.c.date_latest <= question.date_to
    )
    overlapping = and_(
        events.c.date_latest >= question.date_from, events.c.date_earliest <= question.date_to
    )
    counted = (
        func.count(func.distinct(cases.c.person_id)),
        func.count(func.distinct(cases.c.id)),
        func.count(events.c.id),
    )
    joined = _joined(question)
    with db.read() as conn:
        total = conn.execute(select(*counted).select_from(joined).where(*matching, placed)).one()
        rows = conn.execute(
            select(events.c.type, *counted)
            .select_from(joined)
            .where(*matching, placed)
            .group_by(events.c.type)
        ).all()
        not_placed = conn.execute(
            select(func.count(events.c.id))
            .select_from(joined)
            .where(*matching, overlapping, ~placed)
        ).scalar_one()
        appeals = _appeal_outcomes(conn, question, scope)
    return Answer(
        question=question,
        total=Counts(*total),
        by_type={row.type: Counts(row[1], row[2], row[3]) for row in rows},
        not_placed=int(not_placed),
        appeals=appeals,
    )


def _joined(question: Question) -> Join:
    """Events with their cases; with their people only when the question needs nationality."""
    joined = events.join(cases, cases.c.id == events.c.case_id)
    if question.nationality:
        joined = joined.join(people, people.c.id == cases.c.person_id)
    return joined


def _matching(question: Question, scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [case_visibility(scope)]
    if question.event_type:
        conditions.append(events.c.type == question.event_type)
    else:
        conditions.append(events.c.type.in_(incident_types()))
    for column, value in (
        (cases.c.country, question.country),
        (events.c.grounds, question.grounds),
        (events.c.authority, question.authority),
        (people.c.nationality, question.nationality),
    ):
        if value:
            conditions.append(column == value)
    return conditions


def _appeal_outcomes(conn: Connection, question: Question, scope: Scope) -> AppealOutcomes:
    """Each appeal in the period ends with the first court decision after it in its case.

    The decision is looked up by the database for each appeal (a correlated subquery on the
    events' case-and-type index), so a year of a large caseload is one query, not two lists
    joined in Python.
    """
    narrowed: list[ColumnElement[bool]] = [case_visibility(scope)]
    if question.country:
        narrowed.append(cases.c.country == question.country)
    if question.nationality:
        narrowed.append(people.c.nationality == question.nationality)
    later = events.alias("later")
    after = and_(
        later.c.case_id == events.c.case_id,
        later.c.type == "court_decision",
        later.c.date_earliest >= events.c.date_earliest,
    )

    def first(column: ColumnElement[object]) -> ScalarSelect[object]:
        return (
            select(column).where(after).order_by(later.c.date_earliest).limit(1).scalar_subquery()
        )

    rows = conn.execute(
        select(events.c.date_earliest, first(later.c.date_earliest), first(later.c.outcome))
        .select_from(_joined(question))
        .where(
            *narrowed,
            events.c.type == "appeal",
            events.c.date_earliest >= question.date_from,
            events.c.date_latest <= question.date_to,
        )
    ).all()
    return _outcomes([(row[0], row[1], row[2]) for row in rows])


def _outcomes(appeals: list[tuple[date, date | None, str | None]]) -> AppealOutcomes:
    tally = {"granted": 0, "rejected": 0, "withdrawn": 0, "pending": 0}
    waits = []
    for lodged, decided_on, outcome in appeals:
        if decided_on is None or outcome in (None, "pending"):
            tally["pending"] += 1
            continue
        tally[DECIDED.get(str(outcome), "withdrawn")] += 1
        waits.append((_as_date(decided_on) - _as_date(lodged)).days)
    return AppealOutcomes(
        appealed=len(appeals),
        median_days_to_decision=float(median(waits)) if waits else None,
        **tally,
    )


def _as_date(value: object) -> date:
    """A day from the database: a `date`, or SQLite's ISO text from a subquery."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def known_codes() -> dict[str, tuple[str, ...]]:
    """The codes each filter accepts, from the vocabulary the app uses."""
    vocab = vocabulary()
    return {
        "event_type": tuple(vocab.event_types),
        "grounds": tuple(vocab.grounds),
        "authority": tuple(vocab.authorities),
    }


def _month_end(first: date) -> date:
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return next_month - timedelta(days=1)


def answer_rows(result: Answer) -> list[tuple[str, Counts]]:
    """(event type, counts) for every type with something counted, most events first."""
    return sorted(result.by_type.items(), key=lambda item: (-item[1].events, item[0]))


def answer_csv(result: Answer, type_labels: dict[str, str]) -> str:
    """The counts as CSV: one row per event type, then the total (labels are the app's own)."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    question = result.question
    writer.writerow(
        ["period_from", "period_to", "event_type", "label", "people", "cases", "events"]
    )
    for code, counts in [*answer_rows(result), ("all", result.total)]:
        writer.writerow(
            [
                question.date_from.isoformat(),
                question.date_to.isoformat(),
                code,
                type_labels.get(code, code),
                counts.people,
                counts.cases,
                counts.events,
            ]
        )
    return buffer.getvalue()
