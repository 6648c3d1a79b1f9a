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

Visibility (`havenwatch.access.visibility.lead_visibility`): a lead is seen by the teams
of the people it could be about (its `lead_matches` rows), and by every team, as the monitor
pool's news, when it matches nobody. Each team is shown only its own candidates. Every
function here requires a `Scope` and applies that rule itself, the decisions included: a
lead, case, person or event outside the scope is not found.

The name read in the report, the evidence and the match are sealed
(`havenwatch.store.monitor_key`) and opened here, for the caller only. Why a person
matched is a code (`havenwatch.monitor.linking.REASONS`, or `NO_MATCH`, `UNNAMED`,
`SEVERAL`, `ACCEPTED`), translated where it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.access.visibility import (
    case_visibility,
    lead_visibility,
    match_visibility,
    person_visibility,
)
from havenwatch.cases.case_files import insert_case
from havenwatch.cases.events import insert_event
from havenwatch.cases.people import insert_person
from havenwatch.cases.sources import open_source_fields
from havenwatch.core.clock import utcnow
from havenwatch.core.dates import FuzzyDate, parse_fuzzy
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.crypto.keys import Keyring
from havenwatch.monitor.linking import Candidate, open_case
from havenwatch.monitor.record import add_match
from havenwatch.store.database import Database, Unit
from havenwatch.store.monitor_key import MonitorKey, ensure_monitor_key, monitor_key
from havenwatch.store.schema import (
    AnyRow,
    cases,
    event_sources,
    events,
    lead_matches,
    lead_sources,
    leads,
    people,
    sources,
)

NEW, ACCEPTED, MERGED, REJECTED = "new", "accepted", "merged", "rejected"
STATUSES = (NEW, ACCEPTED, MERGED, REJECTED)
DECISION_ACTIONS = {ACCEPTED: "lead.accept", MERGED: "lead.merge", REJECTED: "lead.reject"}
NO_MATCH, UNNAMED, SEVERAL, ACCEPTED_FOR = "no_match", "unnamed", "several_match", "accepted"


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
    match_reason: str
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
    scope: Scope,
    limit: int = 50,
    offset: int = 0,
) -> list[Lead]:
    """Leads the scope may see, newest first, each with its sources and their candidates."""
    return _listed(db, _conditions(status, scope), scope, limit, offset)


NEWEST_FIRST = (leads.c.created_at.desc(), leads.c.id.desc())


def _listed(
    db: Database,
    conditions: Sequence[ColumnElement[bool]],
    scope: Scope,
    limit: int,
    offset: int,
    order: Sequence[Any] = NEWEST_FIRST,
) -> list[Lead]:
    """One page of the leads meeting `conditions` (the visibility rule among them), in
    `order` (newest first unless told): the queue and the triage list read through here."""
    keyring = db.require_keyring()
    query = select(leads).where(*conditions).order_by(*order).limit(limit).offset(offset)
    with db.read() as conn:
        return _leads(conn, keyring, conn.execute(query).all(), scope)


def count_leads(db: Database, *, status: str | None = None, scope: Scope) -> int:
    query = select(func.count()).select_from(leads).where(*_conditions(status, scope))
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def get_lead(db: Database, lead_id: str, *, scope: Scope) -> Lead:
    keyring = db.require_keyring()
    with db.read() as conn:
        return _load(conn, keyring, lead_id, scope)


def accept_lead(
    db: Database,
    lead_id: str,
    actor: str,
    *,
    person_id: str | None = None,
    case_id: str | None = None,
    pseudonym: str | None = None,
    team: str = "default",
    scope: Scope,
) -> Lead:
    """Record the lead's incident as an event, citing its sources; returns the decided lead.

    Where the event goes, first that applies: `case_id`; `person_id`'s open case in the
    lead's country (a new case if none); a new person called `pseudonym` (their identity
    gets the name read in the report, with a new case); the lead's candidate case; its
    candidate person, as for `person_id`. The lead, every case or person named and the new
    person's team must lie in the scope, or they are not found.
    """
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, keyring, lead_id, scope)
        target = Target(person_id, case_id, pseudonym, team, scope)
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
        _joined(unit, keyring, lead.id, target_case)
        _decide(unit, lead, ACCEPTED, reason=None, event_id=event.id, case_id=target_case)
        return _load(unit.conn, keyring, lead_id, scope)


def merge_lead(
    db: Database,
    lead_id: str,
    event_id: str,
    actor: str,
    *,
    scope: Scope,
) -> Lead:
    """Fold the lead into an existing event of the scope: its sources become corroboration."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        merge_into(unit, keyring, lead_id, event_id, scope)
        return _load(unit.conn, keyring, lead_id, scope)


def merge_into(
    unit: Unit, keyring: Keyring, lead_id: str, event_id: str, scope: Scope
) -> tuple[Lead, str]:
    """`merge_lead` inside the caller's transaction; returns the lead as it was (undecided)
    and the case of the event."""
    lead = _undecided(unit.conn, keyring, lead_id, scope)
    query = select(events.c.case_id).join(cases, cases.c.id == events.c.case_id)
    query = query.where(events.c.id == event_id, case_visibility(scope))
    case_id = unit.conn.execute(query).scalar()
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
            [{"event_id": event_id, "source_id": sid, "role": "corroboration"} for sid in added],
        )
    _joined(unit, keyring, lead.id, case_id)
    _decide(unit, lead, MERGED, reason=None, event_id=event_id, case_id=case_id)
    return lead, case_id


def reject_lead(
    db: Database,
    lead_id: str,
    actor: str,
    reason: str,
    *,
    scope: Scope,
) -> Lead:
    """Turn the lead down, saying why; it will not be offered again."""
    if not reason.strip():
        raise ValidationError.of("reason", "lead.reason_required")
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        lead = _undecided(unit.conn, keyring, lead_id, scope)
        _decide(unit, lead, REJECTED, reason=reason.strip(), event_id=None, case_id=None)
        return _load(unit.conn, keyring, lead_id, scope)


@dataclass(frozen=True)
class Target:
    """Where the caseworker said an accepted lead goes (all optional), and their scope."""

    person_id: str | None
    case_id: str | None
    pseudonym: str | None
    team: str
    scope: Scope


def _case_in_scope(unit: Unit, case_id: str, scope: Scope) -> str:
    query = select(cases.c.id).where(cases.c.id == case_id, case_visibility(scope))
    if unit.conn.execute(query).scalar() is None:
        raise NotFoundError(f"no case {case_id}")
    return case_id


def _target_case(unit: Unit, keyring: Keyring, lead: Lead, target: Target) -> str:
    if target.case_id:
        return _case_in_scope(unit, target.case_id, target.scope)
    if target.person_id:
        return _case_of_person(unit, keyring, lead, target.person_id, target.scope)
    if target.pseudonym:
        if not target.scope.allows(ensure_team(unit, target.team)):
            raise ValidationError.of("team", "team.out_of_scope", id=target.team)
        return _case_of_new_person(unit, keyring, lead, target.pseudonym, target.team)
    if lead.candidate_case_id:
        return _case_in_scope(unit, lead.candidate_case_id, target.scope)
    if lead.candidate_person_id:
        return _case_of_person(unit, keyring, lead, lead.candidate_person_id, target.scope)
    raise ValidationError.of("person", "lead.no_person")


def _case_of_person(unit: Unit, keyring: Keyring, lead: Lead, person_id: str, scope: Scope) -> str:
    query = select(people.c.team_id).where(
        people.c.id == person_id, people.c.purged_at.is_(None), person_visibility(scope)
    )
    if unit.conn.execute(query).scalar() is None:
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


def _joined(unit: Unit, keyring: Keyring, lead_id: str, case_id: str) -> None:
    """The lead now belongs to that case's team and person: a match row, for visibility and
    for purge (which erases the person's leads)."""
    row = unit.conn.execute(
        select(cases.c.person_id, cases.c.team_id).where(cases.c.id == case_id)
    ).one()
    key = ensure_monitor_key(unit.conn, keyring)
    candidate = Candidate(row.person_id, row.team_id, case_id, 100, ACCEPTED_FOR)
    add_match(unit, key, lead_id, candidate)


def _new_case(unit: Unit, keyring: Keyring, case: Case) -> str:
    insert_case(unit, keyring, case)
    assert case.id is not None
    return case.id


def _country(lead: Lead) -> str:
    if not lead.country:
        raise ValidationError.of("country", "lead.no_country")
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
        detail={"status": status, "event_id": event_id},
    )


def _undecided(conn: Connection, keyring: Keyring, lead_id: str, scope: Scope) -> Lead:
    lead = _load(conn, keyring, lead_id, scope)
    if lead.status != NEW:
        raise ValidationError.of(
            "lead",
            "lead.already_decided",
            id=lead_id,
            status=lead.status,
            actor=str(lead.decided_by),
        )
    return lead


def _load(conn: Connection, keyring: Keyring, lead_id: str, scope: Scope) -> Lead:
    row = conn.execute(
        select(leads).where(leads.c.id == lead_id, *_conditions(None, scope))
    ).first()
    if row is None:
        raise NotFoundError(f"no lead {lead_id}")
    return _leads(conn, keyring, [row], scope)[0]


def _conditions(status: str | None, scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [lead_visibility(scope)]
    if status is not None:
        conditions.append(leads.c.status == status)
    return conditions


def _leads(conn: Connection, keyring: Keyring, rows: Sequence[AnyRow], scope: Scope) -> list[Lead]:
    if not rows:
        return []
    key = monitor_key(conn, keyring)
    if key is None:
        raise NotFoundError("the monitor's key is missing")
    ids = [row.id for row in rows]
    found = _sources_of(conn, key, ids)
    matches = _matches_of(conn, key, ids, scope)
    return [_lead(key, row, found.get(row.id, []), matches.get(row.id, [])) for row in rows]


def _sources_of(
    conn: Connection, key: MonitorKey, lead_ids: list[str]
) -> dict[str, list[LeadSource]]:
    found: dict[str, list[LeadSource]] = {}
    rows = conn.execute(
        select(lead_sources.c.lead_id, sources)
        .join(sources, sources.c.id == lead_sources.c.source_id)
        .where(lead_sources.c.lead_id.in_(lead_ids))
        .order_by(sources.c.published_on, sources.c.created_at, sources.c.id)
    )
    for row in rows:
        opened = open_source_fields(key, row)
        found.setdefault(row.lead_id, []).append(
            LeadSource(
                row.id, opened.url, opened.title, row.publisher, row.published_on, row.language
            )
        )
    return found


def _matches_of(
    conn: Connection, key: MonitorKey, lead_ids: list[str], scope: Scope
) -> dict[str, list[dict[str, Any]]]:
    """The opened match rows of each lead, those of the scope only."""
    query = select(lead_matches).where(
        lead_matches.c.lead_id.in_(lead_ids), match_visibility(scope)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query):
        label = f"{row.lead_id}|{row.person_ref}"
        found.setdefault(row.lead_id, []).append(
            key.open_json(row.sealed, "lead_matches", "sealed", label)
        )
    return found


def _chosen(name: str | None, matches: list[dict[str, Any]]) -> tuple[Any, Any, Any, str]:
    """(person, case, score, reason code) shown for a lead, from the caller's match rows."""
    if not matches:
        return None, None, None, NO_MATCH if name else UNNAMED
    accepted = [match for match in matches if match["reason"] == ACCEPTED_FOR]
    pool = accepted or matches
    best = max(int(match["score"]) for match in pool)
    leaders = [match for match in pool if int(match["score"]) == best]
    if len(leaders) > 1:
        return None, None, best, SEVERAL
    match = leaders[0]
    return match["person_id"], match["case_id"], best, str(match["reason"])


def _lead(
    key: MonitorKey, row: AnyRow, found: list[LeadSource], matches: list[dict[str, Any]]
) -> Lead:
    content = key.open_json(row.sealed, "leads", "sealed", row.id)
    extraction = content.get("extraction")
    name = content.get("subject_name")
    person_id, case_id, score, reason = _chosen(name, matches)
    return Lead(
        id=row.id,
        status=row.status,
        event_type=row.event_type,
        subject_name=name,
        country=row.country,
        event_date=row.event_date,
        evidence=str(content.get("evidence") or ""),
        extraction=dict(extraction) if isinstance(extraction, Mapping) else {},
        story_id=row.story_id,
        candidate_person_id=person_id,
        candidate_case_id=case_id,
        match_score=score,
        match_reason=reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        event_id=row.event_id,
        created_at=row.created_at,
        sources=found,
    )
