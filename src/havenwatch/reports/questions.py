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
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    ScalarSelect,
    String,
    and_,
    cast,
    func,
    or_,
    select,
)

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import fact_visibility
from havenwatch.core.csv_cells import SafeWriter
from havenwatch.core.errors import ValidationError
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.statistics import incident_types
from havenwatch.store.database import Database
from havenwatch.store.schema import event_facts

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
        raise ValidationError.of("period", "period.unknown", value=text)
    year, quarter, month = int(match.group(1)), match.group(2), match.group(3)
    if quarter:
        first = date(year, 3 * int(quarter) - 2, 1)
        return first, _month_end(date(year, 3 * int(quarter), 1))
    if month:
        if not 1 <= int(month) <= 12:
            raise ValidationError.of("period", "period.no_month", value=text, month=month)
        first = date(year, int(month), 1)
        return first, _month_end(first)
    return date(year, 1, 1), date(year, 12, 31)


def answer(db: Database, question: Question, *, scope: Scope) -> Answer:
    """Counts for `question` over the cases of the scope.

    Read from `event_facts` (one narrow row per event with its team, country, nationality,
    person and case, kept by triggers): a question is one range of one covering index that
    starts with the team, the country and the last day, never a join of events to cases.
    """
    if question.date_to < question.date_from:
        raise ValidationError.of("period", "period.reversed")
    facts = event_facts.c
    matching = _matching(question, scope)
    # Inside the period; the last day's lower bound is implied, and bounds the index range.
    placed = and_(
        facts.date_earliest >= question.date_from,
        facts.date_latest <= question.date_to,
        facts.date_latest >= question.date_from,
    )
    # Overlapping it without lying inside: only an event dated less precisely than a day can.
    straddling = and_(
        facts.date_earliest < facts.date_latest,
        facts.date_latest >= question.date_from,
        facts.date_earliest <= question.date_to,
        or_(facts.date_earliest < question.date_from, facts.date_latest > question.date_to),
    )
    counted = (
        func.count(func.distinct(facts.person_id)),
        func.count(func.distinct(facts.case_id)),
        func.count(),
    )
    with db.read() as conn:
        total = conn.execute(select(*counted).where(*matching, placed)).one()
        rows = conn.execute(
            select(facts.type, *counted).where(*matching, placed).group_by(facts.type)
        ).all()
        not_placed = conn.execute(
            select(func.count()).select_from(event_facts).where(*matching, straddling)
        ).scalar_one()
        appeals = _appeal_outcomes(conn, question, scope)
    return Answer(
        question=question,
        total=Counts(*total),
        by_type={row.type: Counts(row[1], row[2], row[3]) for row in rows},
        not_placed=int(not_placed),
        appeals=appeals,
    )


def _matching(question: Question, scope: Scope) -> list[ColumnElement[bool]]:
    facts = event_facts.c
    conditions: list[ColumnElement[bool]] = [fact_visibility(scope)]
    if question.event_type:
        conditions.append(facts.type == question.event_type)
    else:
        conditions.append(facts.type.in_(incident_types()))
    for column, value in (
        (facts.country, question.country),
        (facts.grounds, question.grounds),
        (facts.authority, question.authority),
        (facts.nationality, question.nationality),
    ):
        if value:
            conditions.append(column == value)
    return conditions


def _appeal_outcomes(conn: Connection, question: Question, scope: Scope) -> AppealOutcomes:
    """Each appeal in the period ends with the first court decision after it in its case.

    The decision is looked up by the database for each appeal (one correlated subquery that
    reads the first entry at or after the appeal's day in the facts' case, type, day and
    outcome index, its day and outcome as one text), and the appeals are counted there too,
    per outcome and days waited: a year of a large caseload comes back as a few hundred rows,
    not one row per appeal.
    """
    facts = event_facts.c
    narrowed: list[ColumnElement[bool]] = [fact_visibility(scope)]
    if question.country:
        narrowed.append(facts.country == question.country)
    if question.nationality:
        narrowed.append(facts.nationality == question.nationality)
    later = event_facts.alias("later")
    after = and_(
        later.c.case_id == facts.case_id,
        later.c.type == "court_decision",
        later.c.date_earliest >= facts.date_earliest,
    )

    # The first decision as one text, "YYYY-MM-DD outcome": one probe per appeal, not two.
    decision = cast(later.c.date_earliest, String) + " " + func.coalesce(later.c.outcome, "")
    first: ScalarSelect[Any] = (
        select(decision).where(after).order_by(later.c.date_earliest).limit(1).scalar_subquery()
    )
    appeals = (
        select(facts.date_earliest.label("lodged"), first.label("decision"))
        .where(
            *narrowed,
            facts.type == "appeal",
            facts.date_earliest >= question.date_from,
            facts.date_latest <= question.date_to,
            facts.date_latest >= question.date_from,
        )
        .cte("appeals")
        .prefix_with("MATERIALIZED")  # each appeal's decision looked up once, then grouped
    )
    decided_on = func.substr(appeals.c.decision, 1, 10)
    outcome = func.nullif(func.substr(appeals.c.decision, 12), "").label("outcome")
    if conn.dialect.name == "sqlite":
        waited: ColumnElement[Any] = func.julianday(decided_on) - func.julianday(appeals.c.lodged)
    else:
        waited = cast(decided_on, Date) - appeals.c.lodged
    days = waited.label("days")
    rows = conn.execute(select(outcome, days, func.count()).group_by(outcome, days)).all()
    return _tally([(row[0], row[1], int(row[2])) for row in rows])


def _tally(groups: list[tuple[str | None, float | None, int]]) -> AppealOutcomes:
    """Appeals counted per (outcome of the first decision, days to it), as the database
    grouped them; no decision yet (or a pending one) is pending."""
    tally = {"granted": 0, "rejected": 0, "withdrawn": 0, "pending": 0}
    waits: list[int] = []
    for outcome, days, count in groups:
        if days is None or outcome in (None, "pending"):
            tally["pending"] += count
            continue
        tally[DECIDED.get(str(outcome), "withdrawn")] += count
        waits.extend([round(float(days))] * count)
    return AppealOutcomes(
        appealed=sum(count for _o, _d, count in groups),
        median_days_to_decision=float(median(waits)) if waits else None,
        **tally,
    )


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
