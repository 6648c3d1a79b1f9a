"""A case's legal deadlines, from its recorded events and its host country's rules.

The legal engine (`havenwatch.legal`) is pure; this module feeds it the events stored for a
case and turns its answers into what the workspace and the command line show: each case's
deadlines, the team's deadlines due soon (overdue first), and iCalendar feeds of both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, step_visibility
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Event
from havenwatch.legal.calendar_feed import build_calendar, entry_for_step
from havenwatch.legal.messages import DEFAULT_LOCALE, normalise_locale
from havenwatch.legal.model import Jurisdiction
from havenwatch.legal.rules import available_jurisdictions, load_jurisdiction
from havenwatch.legal.workflow import (
    DEFAULT_SERVICE,
    CaseDeadline,
    CaseDeadlines,
    DecisionEvent,
    RemedyEvent,
    case_deadlines,
    default_decision,
    due_soon,
)
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, cases, deadline_steps, events

REMEDY_EVENT_TYPES = ("appeal", "departure")


@dataclass(frozen=True)
class DueDeadline:
    """One deadline of one case, for lists that span cases."""

    case_id: str
    case_title: str
    deadline: CaseDeadline


@cache
def rules_for(country: str, locale: str = DEFAULT_LOCALE) -> Jurisdiction | None:
    """The host country's rules with their texts in ``locale``; None where havenwatch has none."""
    if country not in available_jurisdictions():
        return None
    return load_jurisdiction(country, locale=normalise_locale(locale))


@dataclass(frozen=True)
class EngineChoices:
    """The codes an event may give the deadline engine, each with its label in one language."""

    decisions: tuple[tuple[str, str], ...] = ()
    services: tuple[tuple[str, str], ...] = ()
    procedures: tuple[tuple[str, str], ...] = ()


def engine_choices(country: str, locale: str = DEFAULT_LOCALE) -> EngineChoices:
    """Decision codes, service modes and procedures of the country's rules, labelled in
    ``locale`` (sorted by label); empty where havenwatch has no rules for the country."""
    rules = rules_for(country, locale)
    if rules is None:
        return EngineChoices()
    procedures = {
        code: f"{rule.label}: {procedure.label}"
        for rule in rules.decisions.values()
        for code, procedure in rule.procedures.items()
    }
    return EngineChoices(
        decisions=_by_label({code: rule.label for code, rule in rules.decisions.items()}),
        services=_by_label({code: method.label for code, method in rules.service.items()}),
        procedures=_by_label(procedures),
    )


def _by_label(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items(), key=lambda pair: (pair[1].casefold(), pair[0])))


def check_decision_code(country: str, code: str | None) -> None:
    """Refuse a decision or remedy code the rules of the case's country do not know.

    A code the rules do not know would silently yield no deadline at all; where havenwatch
    has no rules for the country, any code is kept as the caseworker's note of it.
    """
    rules = rules_for(country)
    if code is None or rules is None:
        return
    if code not in rules.decisions and code not in rules.remedies:
        raise ValidationError.of(
            "decision_code", "deadline.unknown_code", value=code, country=country
        )


def check_engine_inputs(country: str, event: Event) -> None:
    """Refuse an event whose decision code, service mode or procedure the rules do not know.

    These are what the deadline engine takes; an unknown one would give no deadline, or a
    wrong one, on the case page while `havenwatch deadlines` refuses it.
    """
    check_decision_code(country, event.decision_code)
    rules = rules_for(country)
    if rules is None:
        return
    if event.service is not None and event.service not in rules.service:
        valid = ", ".join(sorted(rules.service))
        raise ValidationError.of(
            "service", "deadline.unknown_service", value=event.service, accepted=valid
        )
    if event.procedure is None:
        return
    mapping = default_decision(rules, event.type)
    code = event.decision_code or (mapping.decision if mapping else None)
    rule = rules.decisions.get(code or "")
    procedures = rule.procedures if rule is not None else {}
    if event.procedure not in procedures:
        valid = ", ".join(sorted(procedures)) or "none for this decision"
        raise ValidationError.of(
            "procedure", "deadline.unknown_procedure", value=event.procedure, accepted=valid
        )


def _day_of(row: AnyRow) -> dt.date | None:
    return row.date_earliest if row.date_precision == "day" else None


def split_events(
    rules: Jurisdiction, rows: Iterable[AnyRow]
) -> tuple[list[DecisionEvent], list[RemedyEvent]]:
    """Decisions (which open deadlines) and remedies (which meet them) among event rows."""
    decisions, remedies = [], []
    for row in rows:
        day = row.served_on or _day_of(row)
        if day is None:
            continue
        if row.type in REMEDY_EVENT_TYPES:
            remedies.append(
                RemedyEvent(row.id, row.type, _day_of(row) or day, remedy=row.decision_code)
            )
        elif row.decision_code or default_decision(rules, row.type):
            decisions.append(decision_event(row, day))
    return decisions, remedies


def decision_event(row: AnyRow, day: dt.date) -> DecisionEvent:
    """Exactly the facts `havenwatch deadlines` takes, as the event records them.

    With a served-on date, the event's own date (a day) is when the decision was adopted;
    without one, the event's date is taken as the date of service.
    """
    return DecisionEvent(
        event_id=row.id,
        event_type=row.type,
        date=_day_of(row) or day,
        decision_code=row.decision_code,
        served_on=row.served_on,
        adopted_on=_day_of(row) if row.served_on else None,
        procedure=row.procedure,
        departure_days=row.deadline_days,
        service=row.service or DEFAULT_SERVICE,
    )


def deadlines_from_rows(
    country: str, rows: Sequence[AnyRow], today: dt.date, locale: str = DEFAULT_LOCALE
) -> CaseDeadlines | None:
    """The deadlines of one case from its event rows, or None when its country has no rules.

    Labels, bodies, notes, explanations and warnings are in ``locale``.
    """
    rules = rules_for(country, locale)
    if rules is None:
        return None
    decisions, remedies = split_events(rules, rows)
    return case_deadlines(rules, decisions, remedies, today)


def _event_rows(db: Database, case_ids: Collection[str]) -> dict[str, list[AnyRow]]:
    grouped: dict[str, list[AnyRow]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        with db.read() as conn:
            for row in conn.execute(select(events).where(events.c.case_id.in_(list(case_ids)))):
                grouped[row.case_id].append(row)
    return grouped


def deadlines_of_case(
    db: Database,
    case_id: str,
    country: str,
    *,
    today: dt.date,
    scope: Scope,
    locale: str = DEFAULT_LOCALE,
) -> CaseDeadlines | None:
    """Deadlines of a case of the scope, in ``locale``; None when its country has no rules."""
    with db.read() as conn:
        found = conn.execute(
            select(cases.c.id).where(cases.c.id == case_id, case_visibility(scope))
        ).scalar()
    if found is None:
        raise NotFoundError(f"no case {case_id}")
    return deadlines_from_rows(country, _event_rows(db, [case_id])[case_id], today, locale)


def _cases_with_open_steps(
    db: Database, scope: Scope, horizon: dt.date
) -> tuple[list[AnyRow], dict[str, set[str]]]:
    """The scope's cases with a stored open, unresolved step due by ``horizon`` (overdue ones
    included, however old their decision), and those steps' ids per case.

    Read from `deadline_steps` (kept by `cases.step_workflow` with every write of a case's
    events), one range of `ix_deadline_steps_team_status_due`: no cap on cases or age.
    """
    query = (
        select(cases.c.id, cases.c.title, cases.c.country, deadline_steps.c.deadline_id)
        .select_from(deadline_steps.join(cases, cases.c.id == deadline_steps.c.case_id))
        .where(
            deadline_steps.c.status == "open",
            deadline_steps.c.due <= horizon,
            step_visibility(scope),
        )
        .order_by(cases.c.id)
    )
    case_rows: dict[str, AnyRow] = {}
    open_steps: dict[str, set[str]] = {}
    with db.read() as conn:
        for row in conn.execute(query):
            case_rows.setdefault(row.id, row)
            open_steps.setdefault(row.id, set()).add(row.deadline_id)
    return list(case_rows.values()), open_steps


def deadlines_due(
    db: Database,
    *,
    today: dt.date,
    within_days: int = 14,
    scope: Scope,
    locale: str = DEFAULT_LOCALE,
) -> list[DueDeadline]:
    """Open, unresolved deadlines due within `within_days` across the team's open cases,
    overdue ones first, their texts in ``locale``.

    Which steps are listed comes from the stored steps table; only those cases' deadlines are
    computed again, for the texts of their steps.
    """
    case_rows, open_steps = _cases_with_open_steps(
        db, scope, today + dt.timedelta(days=within_days)
    )
    grouped = _event_rows(db, [row.id for row in case_rows])
    found = []
    for row in case_rows:
        plan = deadlines_from_rows(row.country, grouped[row.id], today, locale)
        if plan is not None:
            found += [
                DueDeadline(row.id, row.title, d)
                for d in due_soon(plan.deadlines, today, within_days)
                if d.deadline_id in open_steps[row.id]
            ]
    return sorted(
        found, key=lambda d: (d.deadline.status != "overdue", d.deadline.step.due or dt.date.max)
    )


def calendar_of(
    entries: Iterable[tuple[str, CaseDeadline]], name: str, locale: str = DEFAULT_LOCALE
) -> bytes:
    """An .ics feed of open deadlines, worded in ``locale``; each entry is (title prefix, deadline).

    The deadlines' own texts come in the language they were computed in.
    """
    feed = []
    for prefix, item in entries:
        if item.status in ("open", "overdue"):
            entry = entry_for_step(item.deadline_id, item.step, prefix, locale)
            if entry is not None:
                feed.append(entry)
    return build_calendar(feed, name=name, locale=locale)
