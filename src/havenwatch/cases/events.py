"""Events on a case's timeline."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, exists, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, source_visibility
from havenwatch.cases.custom_fields import holder_of, write_values
from havenwatch.cases.deadlines import check_engine_inputs
from havenwatch.cases.search import index_event
from havenwatch.cases.sources import insert_source
from havenwatch.cases.step_workflow import refresh_steps
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.core.model import Event, Source, validate_event
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit, record_read
from havenwatch.store.rows import EVENT_ROWS
from havenwatch.store.schema import (
    AnyRow,
    cases,
    documents,
    event_sources,
    events,
    lead_sources,
    leads,
    people,
    search_entries,
    sources,
    story_buckets,
)


def case_key_row(conn: Connection, case_id: str) -> AnyRow:
    row = conn.execute(
        select(
            cases.c.id, cases.c.team_id, cases.c.person_id, cases.c.country, people.c.wrapped_key
        )
        .join(people, people.c.id == cases.c.person_id)
        .where(cases.c.id == case_id)
    ).first()
    if row is None:
        raise ValidationError.of("case", "case.unknown", id=case_id)
    return row


def event_row(
    keyring: Keyring, event: Event, wrapped_key: bytes | None, person_id: str
) -> dict[str, Any]:
    validate_event(event)
    event.id = event.id or new_id()
    now = utcnow()
    event.created_at = event.created_at or now
    key = PersonKey(keyring, wrapped_key, person_id)
    notes = key.seal_text(event.notes, "events", "notes", event.id)
    return EVENT_ROWS.row(event, notes=notes, updated_at=now)


def insert_event(unit: Unit, keyring: Keyring, event: Event) -> Event:
    owner = case_key_row(unit.conn, event.case_id)
    check_engine_inputs(owner.country, event)
    unit.conn.execute(
        events.insert(), event_row(keyring, event, owner.wrapped_key, owner.person_id)
    )
    if event.source_ids:
        unit.conn.execute(
            event_sources.insert(),
            [
                {"event_id": event.id, "source_id": sid, "role": "reported"}
                for sid in event.source_ids
            ],
        )
    index_event(unit.conn, event.id)
    refresh_steps(unit.conn, event.case_id)
    unit.audit(
        "event.create",
        target_type="event",
        target_id=event.id,
        case_id=event.case_id,
        detail={"type": event.type},
    )
    return event


def _require_case(conn: Connection, case_id: str, scope: Scope) -> None:
    """Refuse a case outside the scope as if it did not exist (as `case_key_row` does)."""
    found = conn.execute(
        select(cases.c.id).where(cases.c.id == case_id, case_visibility(scope))
    ).first()
    if found is None:
        raise ValidationError.of("case", "case.unknown", id=case_id)


def add_event(
    db: Database,
    event: Event,
    actor: str,
    *,
    scope: Scope,
    custom: Mapping[str, object] | None = None,
) -> Event:
    """A new event on a case of the scope, with the values of the team's event fields when
    given (then every required field needs one)."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        _require_case(unit.conn, event.case_id, scope)
        insert_event(unit, keyring, event)
        if custom is not None and event.id is not None:
            holder = holder_of(unit.conn, "event", event.id)
            write_values(unit, keyring, holder, custom, complete=True)
        return event


def update_event(
    db: Database,
    event: Event,
    actor: str,
    *,
    scope: Scope,
    custom: Mapping[str, object] | None = None,
) -> Event:
    """Rewrite an event of a case of the scope, every field as given (and the values of the
    team's event fields given, in the same transaction)."""
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        _require_case(unit.conn, event.case_id, scope)
        _rewrite_event(unit, keyring, event, audited=False)
        changed: list[str] = []
        if custom and event.id is not None:
            holder = holder_of(unit.conn, "event", event.id)
            changed = write_values(unit, keyring, holder, custom, complete=False)
        unit.audit(
            "event.update",
            target_type="event",
            target_id=event.id,
            case_id=event.case_id,
            detail={"changed": changed} if changed else None,
        )
    return event


def edit_event(
    db: Database,
    case_id: str,
    event_id: str,
    actor: str,
    *,
    changes: Mapping[str, Any],
    scope: Scope,
    custom: Mapping[str, object] | None = None,
) -> Event:
    """Change the fields named in `changes` (and the values of the team's event fields in
    `custom`) and keep the others, notes included.

    The stored notes are opened only to be sealed again in the same transaction, never given
    to the caller, so this is no read of notes for the audit trail. One `event.update` names
    the fields changed (`custom.<key>` for the team's), never their values.
    """
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        timeline = read_timeline(unit.conn, keyring, case_id, scope)
        current = next((event for event in timeline if event.id == event_id), None)
        if current is None:
            raise NotFoundError(f"no event {event_id}")
        edited = replace(current, **changes)
        if changes:
            _rewrite_event(unit, keyring, edited, audited=False)
        changed = sorted(changes)
        if custom:
            holder = holder_of(unit.conn, "event", event_id)
            changed += write_values(unit, keyring, holder, custom, complete=False)
        if changed:
            unit.audit(
                "event.update",
                target_type="event",
                target_id=event_id,
                case_id=case_id,
                detail={"changed": changed},
            )
    return edited


def _rewrite_event(
    unit: Unit,
    keyring: Keyring,
    event: Event,
    detail: Mapping[str, Any] | None = None,
    *,
    audited: bool = True,
) -> None:
    """Rewrite the row; `audited=False` when the caller writes the one `event.update` entry
    itself (with the team's fields it changed in the same transaction)."""
    if event.id is None:
        raise NotFoundError("the event has no id")
    owner = case_key_row(unit.conn, event.case_id)
    check_engine_inputs(owner.country, event)
    row = event_row(keyring, event, owner.wrapped_key, owner.person_id)
    row.pop("created_at")
    found = unit.conn.execute(
        events.update()
        .where(events.c.id == event.id, events.c.case_id == event.case_id)
        .values(**row)
    )
    if found.rowcount == 0:
        raise NotFoundError(f"no event {event.id}")
    index_event(unit.conn, event.id)
    refresh_steps(unit.conn, event.case_id)
    if audited:
        unit.audit(
            "event.update",
            target_type="event",
            target_id=event.id,
            case_id=event.case_id,
            detail=detail,
        )


def event_from_row(
    row: AnyRow, notes: str | None, source_ids: list[str], document_ids: list[str]
) -> Event:
    return EVENT_ROWS.record_of(row, notes=notes, source_ids=source_ids, document_ids=document_ids)


def _links(
    conn: Connection, event_ids: Collection[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    sources: dict[str, list[str]] = {eid: [] for eid in event_ids}
    docs: dict[str, list[str]] = {eid: [] for eid in event_ids}
    if event_ids:
        for link in conn.execute(
            select(event_sources).where(event_sources.c.event_id.in_(event_ids))
        ):
            sources[link.event_id].append(link.source_id)
        for doc in conn.execute(
            select(documents.c.id, documents.c.event_id).where(documents.c.event_id.in_(event_ids))
        ):
            docs[doc.event_id].append(doc.id)
    return sources, docs


def read_timeline(
    conn: Connection, keyring: Keyring | None, case_id: str, scope: Scope
) -> list[Event]:
    """A case's timeline in date order (undated events last); notes opened only with a keyring."""
    return read_timeline_rows(conn, keyring, case_id, scope)[0]


def read_timeline_rows(
    conn: Connection, keyring: Keyring | None, case_id: str, scope: Scope
) -> tuple[list[Event], list[AnyRow]]:
    """`read_timeline`, with the event rows it read (for the deadlines, without reading them
    again)."""
    owner = conn.execute(
        select(cases.c.team_id, cases.c.person_id, people.c.wrapped_key)
        .join(people, people.c.id == cases.c.person_id)
        .where(cases.c.id == case_id)
    ).first()
    if owner is None or not scope.allows(owner.team_id):
        raise NotFoundError(f"no case {case_id}")
    rows = conn.execute(
        select(events)
        .where(events.c.case_id == case_id)
        .order_by(events.c.date_earliest.is_(None), events.c.date_earliest, events.c.created_at)
    ).all()
    sources, docs = _links(conn, [row.id for row in rows])
    key = PersonKey(keyring, owner.wrapped_key, owner.person_id) if keyring else None
    timeline = [
        event_from_row(
            row,
            key.open_text(row.notes, "events", "notes", row.id) if key else None,
            sources[row.id],
            docs[row.id],
        )
        for row in rows
    ]
    return timeline, list(rows)


def list_events(
    db: Database,
    case_id: str,
    *,
    with_notes: bool = False,
    scope: Scope,
    actor: str | None = None,
) -> list[Event]:
    """A case's timeline in date order (undated events last).

    Opening the events' notes needs the reader's name: the read is recorded in the audit trail.
    """
    if with_notes and actor is None:
        raise ValueError("reading event notes needs an actor for the audit trail")
    keyring = db.require_keyring() if with_notes else None
    with db.read() as conn:
        timeline = read_timeline(conn, keyring, case_id, scope)
    if with_notes and actor is not None:
        record_read(
            db, actor, "events.read_notes", target_type="case", target_id=case_id, case_id=case_id
        )
    return timeline


def cases_of_events(db: Database, event_ids: Collection[str], *, scope: Scope) -> set[str]:
    """The cases of the scope that hold any of the events."""
    if not event_ids:
        return set()
    query = (
        select(events.c.case_id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.id.in_(list(event_ids)), case_visibility(scope))
    )
    with db.read() as conn:
        return {str(value) for value in conn.execute(query).scalars()}


def link_source(
    db: Database,
    event_id: str,
    source_id: str,
    actor: str,
    *,
    scope: Scope,
    role: str = "corroboration",
) -> None:
    """Link a source the scope may see to an event of a case of the scope."""
    with db.write(actor) as unit:
        _require_event(unit.conn, event_id, scope)
        visible = unit.conn.execute(
            select(sources.c.id).where(sources.c.id == source_id, source_visibility(scope))
        ).first()
        if visible is None:
            raise NotFoundError(f"no source {source_id}")
        _link_source(unit, event_id, source_id, role)


def _require_event(conn: Connection, event_id: str, scope: Scope) -> None:
    found = conn.execute(
        select(events.c.id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.id == event_id, case_visibility(scope))
    ).first()
    if found is None:
        raise NotFoundError(f"no event {event_id}")


def add_event_source(
    db: Database,
    event_id: str,
    source: Source,
    actor: str,
    *,
    scope: Scope,
    role: str = "reported",
) -> Source:
    """Store a report (once per content the teams may see) and link it to the event.

    One transaction: a source stored but not yet linked would, for that moment, be visible
    to every team.
    """
    with db.write(actor) as unit:
        _require_event(unit.conn, event_id, scope)
        stored, _created = insert_source(unit, source, scope=scope)
        _link_source(unit, event_id, stored.id or "", role)
    return stored


def _link_source(unit: Unit, event_id: str, source_id: str, role: str) -> None:
    exists = unit.conn.execute(
        select(event_sources.c.event_id).where(
            event_sources.c.event_id == event_id, event_sources.c.source_id == source_id
        )
    ).first()
    if exists is None:
        unit.conn.execute(
            event_sources.insert().values(event_id=event_id, source_id=source_id, role=role)
        )
        unit.audit(
            "event.link_source",
            target_type="event",
            target_id=event_id,
            detail={"source_id": source_id, "role": role},
        )


@dataclass(frozen=True)
class DeletedEvent:
    """What deleting an event did besides removing it."""

    event_id: str
    case_id: str
    type: str
    unlinked_sources: list[str]
    deleted_sources: list[str]
    detached_documents: int
    detached_leads: int


def _unreferenced(
    conn: Connection, source_ids: Collection[str], *, besides_event: str | None = None
) -> list[str]:
    """Sources no event, lead or lead list refers to, that the news monitor did not store.

    A source linked to no one is visible to every team (`source_visibility`), so a report
    added to one team's event must not outlive its last link. A report the monitor ingested
    (it has a story) goes back to the pool every team could already see before it was linked.
    With `besides_event`, that event's own links are not counted (what deleting it would do).
    """
    if not source_ids:
        return []
    other_links = exists().where(event_sources.c.source_id == sources.c.id)
    if besides_event is not None:
        other_links = other_links.where(event_sources.c.event_id != besides_event)
    query = select(sources.c.id).where(
        sources.c.id.in_(list(source_ids)),
        sources.c.story_id.is_(None),
        ~other_links,
        ~exists().where(leads.c.source_id == sources.c.id),
        ~exists().where(lead_sources.c.source_id == sources.c.id),
    )
    return sorted(str(value) for value in conn.execute(query).scalars())


def _delete_sources(conn: Connection, source_ids: list[str]) -> None:
    if source_ids:
        conn.execute(
            search_entries.delete().where(
                search_entries.c.kind == "source", search_entries.c.ref_id.in_(source_ids)
            )
        )
        conn.execute(story_buckets.delete().where(story_buckets.c.source_id.in_(source_ids)))
        conn.execute(sources.delete().where(sources.c.id.in_(source_ids)))


def drop_orphaned_sources(conn: Connection, source_ids: Collection[str]) -> list[str]:
    """Delete the sources among `source_ids` that were just left linked to nothing.

    The orphaned-source rule (see `_unreferenced`), applied by deleting an event and by
    purge and retention (`havenwatch.operations.purge`): a team's source never outlives its
    last link, where every team would see it. Returns the ids deleted.
    """
    orphans = _unreferenced(conn, source_ids)
    _delete_sources(conn, orphans)
    return orphans


def delete_event(
    db: Database,
    case_id: str,
    event_id: str,
    actor: str,
    *,
    scope: Scope,
) -> DeletedEvent:
    """Remove an event from its case's timeline, with everything derived from it.

    In one transaction: its search entry goes, its links to sources are cut (a source left
    linked to nothing is deleted too, see `_unreferenced`), documents attached to it stay with
    the case, leads accepted or merged into it keep their decision but no longer point to it.
    Deadlines are computed from the remaining events, so they follow by themselves. The audit
    entry (`event.delete`) records the event's type and what was unlinked, never its notes.
    """
    query = (
        select(events.c.id, events.c.type)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.id == event_id, events.c.case_id == case_id, case_visibility(scope))
    )
    with db.write(actor) as unit:
        conn = unit.conn
        row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"no event {event_id}")
        linked = sorted(
            str(value)
            for value in conn.execute(
                select(event_sources.c.source_id).where(event_sources.c.event_id == event_id)
            ).scalars()
        )
        conn.execute(event_sources.delete().where(event_sources.c.event_id == event_id))
        detached_documents = conn.execute(
            documents.update().where(documents.c.event_id == event_id).values(event_id=None)
        ).rowcount
        detached_leads = conn.execute(
            leads.update().where(leads.c.event_id == event_id).values(event_id=None)
        ).rowcount
        conn.execute(
            search_entries.delete().where(
                search_entries.c.kind == "event", search_entries.c.ref_id == event_id
            )
        )
        conn.execute(events.delete().where(events.c.id == event_id))
        orphans = drop_orphaned_sources(conn, linked)
        refresh_steps(conn, case_id)
        deleted = DeletedEvent(
            event_id=event_id,
            case_id=case_id,
            type=row.type,
            unlinked_sources=linked,
            deleted_sources=orphans,
            detached_documents=detached_documents,
            detached_leads=detached_leads,
        )
        unit.audit(
            "event.delete",
            target_type="event",
            target_id=event_id,
            case_id=case_id,
            detail={
                "type": row.type,
                "unlinked_sources": linked,
                "deleted_sources": orphans,
                "detached_documents": detached_documents,
                "detached_leads": detached_leads,
            },
        )
    return deleted


def sources_deleted_with(db: Database, case_id: str, event_id: str, *, scope: Scope) -> list[str]:
    """The sources that deleting this event would delete too (for the confirmation page)."""
    with db.read() as conn:
        timeline = {event.id: event for event in read_timeline(conn, None, case_id, scope)}
        if event_id not in timeline:
            raise NotFoundError(f"no event {event_id}")
        return _unreferenced(conn, timeline[event_id].source_ids, besides_event=event_id)
