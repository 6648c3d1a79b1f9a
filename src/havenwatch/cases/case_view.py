"""The case as its page and the API show it: one read transaction, one audit entry.

`case_view` gathers the case, its person (without identity), the timeline, the sources the
events cite, the deadlines the legal engine computes, what was done about each step, the
documents and the caseworkers it may be given to. The HTML case page and `GET
/api/v1/cases/{id}` both render this one value, so they cannot drift apart, and the doors
above read nothing of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility
from havenwatch.cases.assignment import assignees_in
from havenwatch.cases.case_files import read_case
from havenwatch.cases.custom_fields import FieldValue, event_values_in, fields_in, values_in
from havenwatch.cases.deadlines import deadlines_from_rows
from havenwatch.cases.events import event_from_row, read_timeline_rows
from havenwatch.cases.people import read_person
from havenwatch.cases.sources import sources_in
from havenwatch.cases.step_workflow import StepAction, actions_in
from havenwatch.cases.vault import documents_in
from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.core.errors import NotFoundError
from havenwatch.core.model import Case, Document, Event, Person, Source
from havenwatch.legal.messages import DEFAULT_LOCALE
from havenwatch.legal.workflow import CaseDeadlines
from havenwatch.store.database import Database, record_read
from havenwatch.store.schema import cases, events


@dataclass(frozen=True)
class ViewRights:
    """What a reader may see of a case beyond its working fields."""

    notes: bool
    source_names: bool
    documents: bool

    @classmethod
    def of(cls, principal: Principal) -> ViewRights:
        return cls(
            notes=principal.can(Capability.VIEW_NOTES),
            source_names=principal.can(Capability.VIEW_IDENTITY),
            documents=principal.can(Capability.VIEW_DOCUMENTS),
        )

    @classmethod
    def everything(cls) -> ViewRights:
        """Notes, names and documents: the command line."""
        return cls(notes=True, source_names=True, documents=True)


@dataclass(frozen=True)
class CaseView:
    """Everything the case page shows, read in one transaction."""

    case: Case
    person: Person
    timeline: list[Event]
    sources: dict[str, Source]
    plan: CaseDeadlines | None
    actions: dict[str, StepAction]
    documents: list[Document]
    assignees: list[tuple[str, str]]
    # The team's own fields of the case (identifying ones opened with the notes) and of the
    # person (identifying ones never: they open with the person's identity).
    custom: list[FieldValue]
    person_custom: list[FieldValue]
    # Each event's values of the team's event fields (identifying ones opened with the notes).
    event_custom: dict[str, list[FieldValue]]
    # The fields of the case team's events: the form for a new event asks for them.
    event_fields: list[FieldDefinition]


def case_view(
    db: Database,
    scope: Scope,
    case_id: str,
    *,
    rights: ViewRights,
    reader: str,
    today: dt.date,
    locale: str = DEFAULT_LOCALE,
) -> CaseView:
    """A case of the scope with all it shows, in one read; opening notes is one audit entry.

    The entry, `case.read_notes` with `{"events": true, "steps": true}`, says `reader` read
    the notes of the case, of its events and of its deadline steps (and the sealed values of
    the team's case fields, opened with them).
    """
    keyring = db.require_keyring() if rights.notes or rights.documents else None
    notes_key = keyring if rights.notes else None
    with db.read() as conn:
        case = read_case(conn, notes_key, case_id, scope)
        timeline, event_rows = read_timeline_rows(conn, notes_key, case_id, scope)
        cited = {source for event in timeline for source in event.source_ids}
        person = read_person(conn, case.person_id, scope)
        # The fields of the teams in one read: a kind of record its team gave no field needs
        # no look-up of its holder and values (most teams define none).
        fields = fields_in(conn, scope)
        defined = {(f.team, f.applies_to) for f in fields}
        view = CaseView(
            case=case,
            person=person,
            timeline=timeline,
            sources=sources_in(conn, db.keyring, cited, scope, names=rights.source_names),
            plan=deadlines_from_rows(case.country, event_rows, today, locale),
            actions=actions_in(conn, notes_key, case_id, scope),
            documents=documents_in(conn, keyring, case_id, scope)
            if keyring is not None and rights.documents
            else [],
            assignees=assignees_in(conn, case_id, scope),
            custom=values_in(conn, notes_key, "case", case_id, scope)
            if (case.team, "case") in defined
            else [],
            person_custom=values_in(conn, None, "person", case.person_id, scope)
            if (person.team, "person") in defined
            else [],
            event_custom=event_values_in(
                conn, notes_key, case_id, [e.id for e in timeline if e.id], scope
            )
            if (case.team, "event") in defined
            else {},
            event_fields=[f for f in fields if f.team == case.team and f.applies_to == "event"],
        )
    if rights.notes:
        record_read(
            db,
            reader,
            "case.read_notes",
            target_type="case",
            target_id=case_id,
            case_id=case_id,
            detail={"events": True, "steps": True},
        )
    return view


@dataclass(frozen=True)
class CaseTimeline:
    """What a case's timeline chart draws: its events (without notes, sources or documents)
    and the deadlines the legal engine computes from them."""

    events: list[Event]
    plan: CaseDeadlines | None


def case_timeline(
    db: Database, scope: Scope, case_id: str, *, today: dt.date, locale: str = DEFAULT_LOCALE
) -> CaseTimeline:
    """A case of the scope's events and deadlines, for its timeline chart: one read of two
    statements, and no audit entry, since no notes are opened. Another team's case, or none,
    is a `NotFoundError`, as for `case_view`."""
    with db.read() as conn:
        case = conn.execute(
            select(cases.c.country).where(cases.c.id == case_id, case_visibility(scope))
        ).first()
        if case is None:
            raise NotFoundError(f"no case {case_id}")
        rows = conn.execute(select(events).where(events.c.case_id == case_id)).all()
    return CaseTimeline(
        events=[event_from_row(row, None, [], []) for row in rows],
        plan=deadlines_from_rows(case.country, rows, today, locale),
    )
