"""The review queue: leads found in the news, and a caseworker's decision on each.

A lead is an incident read in one story (one or several syndicated sources), with its
evidence, a candidate person and case (`havenwatch.monitor.linking`) or a new person
proposed. A caseworker decides once:

- `accept_lead` records the incident as an event on a case (the one named, the person's open
  case in that country, a new case, or a new person's first case) citing the lead's sources;
- `merge_lead` folds the lead into an event already recorded, its sources added as
  corroboration;
- `reject_lead` records why it is not a case.

The decision (who, when, why, and the event it produced) stays on the lead and in the audit
log. A decided lead is never offered again: re-ingesting its reports finds its fingerprint.

Visibility: a lead linked to a known person belongs to that person's team; a lead about
nobody known (team unset) is public news that every team may see. `team_ids` filters apply
that rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from havenwatch.cases.case_files import insert_case
from havenwatch.cases.dates import FuzzyDate, parse_fuzzy
from havenwatch.cases.errors import NotFoundError, ValidationError
from havenwatch.cases.events import insert_event
from havenwatch.cases.model import Case, Event, Identity, Person
from havenwatch.cases.people import insert_person
from havenwatch.monitor.linking import open_case
from havenwatch.security.crypto import Keyring
from havenwatch.store.clock import utcnow
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import (
    AnyRow,
    cases,
    event_sources,
    events,
    lead_sources,
    leads,
    people,
    sources,
)

NEW, ACCEPTED, MERGED, REJECTED = "new", "accepted", "merged", "rejected"
STATUSES = (NEW, ACCEPTED, MERGED, REJECTED)
DECISION_ACTIONS = {ACCEPTED: "lead.accept", MERGED: "lead.merge", REJECTED: "lead.reject"}


@dataclass(frozen=True)
class LeadSource:
    """A report a lead was read in (public material)."""

    id: str
    url: str | None
    title: str | None
    publisher: str | None
    published_on: date | None
    language: str | None


@dataclass(frozen=True)
class Lead:
    id: str
    status: str
    event_type: str
    subject_name: str | None
    country: str | None
    event_date: str | None
    evidence: str
    extraction: dict[str, Any]
    story_id: str | None
    candidate_person_id: str | None
    candidate_case_id: str | None
    match_score: int | None
    match_reason: str | None
    team_id: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    event_id: str | None
    created_at: datetime
    sources: list[LeadSource] = field(default_factory=list)


def list_leads(
    db: Database,
    *,
    status: str | None = None,
    team_ids: Collection[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Lead]:
    """Leads, newest first, each with its sources."""
    query = (
        select(leads)
        .where(*_conditions(status, team_ids))
        .order_by(leads.c.created_at.desc(), leads.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
        found = _sources_of(conn, [row.id for row in rows])
    return [_lead(row, found.get(row.id, [])) for row in rows]


def count_leads(
    db: Database, *, status: str | None = None, team_ids: Collection[str] | None = None
) -> int:
    query = select(func.count()).select_from(leads).where(*_conditions(status, team_ids))
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def get_lead(db: Database, lead_id: str, *, team_ids: Collection[str] | None = None) -> Lead:
    with db.read() as conn:
        return _load(conn, lead_id, team_ids)


def accept_lead(
    db: Database,
    lead_id: str,
    actor: str,
    *,
    person_id: str | None = None,
    case_id: str | None = None,
    pseudonym: str | None = None,
    team: str = "default",
) -> Lead:
    """Record the lead's incident as an event, citing its sources; returns the decided lead.

    Where the event goes, first that applies: `case_id`; `person_id`'s open case in the
    lead's country (a new case if none); a new person called `pseudonym` (their identity
    gets the name read in the report, with a new case); the lead's candidate case; its
    candidate person, as for `person_id`.
    """
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, lead_id)
        target = Target(person_id, case_id, pseudonym, team)
        target_case = _target_case(unit, keyring, lead, target)
        event = Event(
            case_id=target_case,
            type=lead.event_type,
            date=_fuzzy(lead.event_date),
            authority=lead.extraction.get("authority"),
            grounds=lead.extraction.get("grounds"),
            deadline_days=lead.extraction.get("deadline_days"),
            source_ids=[source.id for source in lead.sources],
        )
        insert_event(unit, keyring, event)
        _decide(unit, lead, ACCEPTED, reason=None, event_id=event.id, case_id=target_case)
        return _load(unit.conn, lead_id, None)


def merge_lead(db: Database, lead_id: str, event_id: str, actor: str) -> Lead:
    """Fold the lead into an existing event: its sources become corroboration."""
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, lead_id)
        case_id = unit.conn.execute(
            select(events.c.case_id).where(events.c.id == event_id)
        ).scalar()
        if case_id is None:
            raise NotFoundError(f"no event {event_id}")
        linked = set(
            unit.conn.execute(
                select(event_sources.c.source_id).where(event_sources.c.event_id == event_id)
            ).scalars()
        )
        added = [source.id for source in lead.sources if source.id not in linked]
        if added:
            unit.conn.execute(
                event_sources.insert(),
                [
                    {"event_id": event_id, "source_id": sid, "role": "corroboration"}
                    for sid in added
                ],
            )
        _decide(unit, lead, MERGED, reason=None, event_id=event_id, case_id=case_id)
        return _load(unit.conn, lead_id, None)


def reject_lead(db: Database, lead_id: str, actor: str, reason: str) -> Lead:
    """Turn the lead down, saying why; it will not be offered again."""
    if not reason.strip():
        raise ValidationError("reason", "say why the lead is rejected")
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, lead_id)
        _decide(unit, lead, REJECTED, reason=reason.strip(), event_id=None, case_id=None)
        return _load(unit.conn, lead_id, None)


@dataclass(frozen=True)
class Target:
    """Where the caseworker said an accepted lead goes (all optional)."""

    person_id: str | None
    case_id: str | None
    pseudonym: str | None
    team: str


def _target_case(unit: Unit, keyring: Keyring, lead: Lead, target: Target) -> str:
    if target.case_id:
        found = unit.conn.execute(select(cases.c.id).where(cases.c.id == target.case_id))
        if found.scalar() is None:
            raise NotFoundError(f"no case {target.case_id}")
        return target.case_id
    if target.person_id:
        return _case_of_person(unit, keyring, lead, target.person_id)
    if target.pseudonym:
        return _case_of_new_person(unit, keyring, lead, target.pseudonym, target.team)
    if lead.candidate_case_id:
        return lead.candidate_case_id
    if lead.candidate_person_id:
        return _case_of_person(unit, keyring, lead, lead.candidate_person_id)
    raise ValidationError(
        "person", "the lead matches no known person: give a case, a person or a pseudonym"
    )


def _case_of_person(unit: Unit, keyring: Keyring, lead: Lead, person_id: str) -> str:
    team_id = unit.conn.execute(select(people.c.team_id).where(people.c.id == person_id)).scalar()
    if team_id is None:
        raise NotFoundError(f"no person {person_id}")
    existing = open_case(unit.conn, person_id, lead.country)
    if existing:
        return existing
    case = Case(person_id=person_id, country=_country(lead), title=_title(lead), team="")
    return _new_case(unit, keyring, case)


def _case_of_new_person(unit: Unit, keyring: Keyring, lead: Lead, pseudonym: str, team: str) -> str:
    """A new person whose identity is the name read in the report, and their first case."""
    subject = lead.extraction.get("subject") or {}
    person = Person(
        pseudonym=pseudonym,
        identity=Identity(full_name=lead.subject_name),
        nationality=subject.get("nationality"),
        gender=subject.get("gender"),
        team=team,
    )
    country = _country(lead)
    insert_person(unit, keyring, person)
    assert person.id is not None
    case = Case(person_id=person.id, country=country, title=_title(lead), team=team)
    return _new_case(unit, keyring, case)


def _new_case(unit: Unit, keyring: Keyring, case: Case) -> str:
    insert_case(unit, keyring, case)
    assert case.id is not None
    return case.id


def _country(lead: Lead) -> str:
    if not lead.country:
        raise ValidationError("country", "the lead names no country: accept it into a case")
    return lead.country


def _title(lead: Lead) -> str:
    return f"{lead.event_type.replace('_', ' ')} reported {lead.event_date or ''}".strip()


def _fuzzy(value: str | None) -> FuzzyDate | None:
    if not value:
        return None
    try:
        return parse_fuzzy(value)
    except ValidationError:
        return None


def _decide(
    unit: Unit,
    lead: Lead,
    status: str,
    *,
    reason: str | None,
    event_id: str | None,
    case_id: str | None,
) -> None:
    unit.conn.execute(
        leads.update()
        .where(leads.c.id == lead.id)
        .values(
            status=status,
            decided_by=unit.actor[:120],
            decided_at=utcnow(),
            decision_reason=reason,
            event_id=event_id,
        )
    )
    unit.audit(
        DECISION_ACTIONS[status],
        target_type="lead",
        target_id=lead.id,
        case_id=case_id,
        detail={"status": status, "event_id": event_id, "reason": reason},
    )


def _undecided(conn: Connection, lead_id: str) -> Lead:
    lead = _load(conn, lead_id, None)
    if lead.status != NEW:
        raise ValidationError(
            "lead", f"lead {lead_id} was already {lead.status} by {lead.decided_by}"
        )
    return lead


def _load(conn: Connection, lead_id: str, team_ids: Collection[str] | None) -> Lead:
    row = conn.execute(
        select(leads).where(leads.c.id == lead_id, *_conditions(None, team_ids))
    ).first()
    if row is None:
        raise NotFoundError(f"no lead {lead_id}")
    return _lead(row, _sources_of(conn, [lead_id]).get(lead_id, []))


def _conditions(status: str | None, team_ids: Collection[str] | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        conditions.append(leads.c.status == status)
    if team_ids is not None:
        conditions.append(leads.c.team_id.in_(list(team_ids)) | leads.c.team_id.is_(None))
    return conditions


def _sources_of(conn: Connection, lead_ids: list[str]) -> dict[str, list[LeadSource]]:
    found: dict[str, list[LeadSource]] = {}
    if not lead_ids:
        return found
    rows = conn.execute(
        select(lead_sources.c.lead_id, sources)
        .join(sources, sources.c.id == lead_sources.c.source_id)
        .where(lead_sources.c.lead_id.in_(lead_ids))
        .order_by(sources.c.published_on, sources.c.created_at, sources.c.id)
    )
    for row in rows:
        found.setdefault(row.lead_id, []).append(
            LeadSource(row.id, row.url, row.title, row.publisher, row.published_on, row.language)
        )
    return found


def _lead(row: AnyRow, found: list[LeadSource]) -> Lead:
    extraction = row.extraction if isinstance(row.extraction, Mapping) else {}
    return Lead(
        id=row.id,
        status=row.status,
        event_type=row.event_type,
        subject_name=row.subject_name,
        country=row.country,
        event_date=row.event_date,
        evidence=row.evidence,
        extraction=dict(extraction),
        story_id=row.story_id,
        candidate_person_id=row.candidate_person_id,
        candidate_case_id=row.candidate_case_id,
        match_score=row.match_score,
        match_reason=row.match_reason,
        team_id=row.team_id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        event_id=row.event_id,
        created_at=row.created_at,
        sources=found,
    )
