"""Purging a person: crypto-shredding their data key and erasing what identifies them.

The person's wrapped data key is destroyed, which makes their sealed identity, case and event
notes, document names and vault files unreadable wherever a copy of them survives. Free text
kept in clear for the team's work (case titles, decision numbers, family relation, the
pseudonym and birth year) is blanked, their blind-index and search-index rows and the values
of their team's own fields (`custom_values`, sealed or not) are deleted, and
links that would tie published news back to them are cut: their leads (those decided into
their cases, and those that matched them and nobody else) are deleted with their match
history, and their match rows on leads that also matched someone else go. A source that was
linked only to their events follows the orphaned-source rule of deleting an event
(`havenwatch.cases.events.drop_orphaned_sources`): it is deleted, never left visible to every
team. Vault files are deleted too.

A backup made before the purge still holds the wrapped key, wrapped by the key-encryption key
of that time. The purge therefore ends with a key rotation: once the previous key file is gone
(havenwatch keeps none; destroy offline copies) those backups no longer open. The audit trail
records that a purge happened, with counts and the person's opaque id only.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, exists, or_, select, tuple_

from havenwatch.cases.events import drop_orphaned_sources
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import Keyring
from havenwatch.operations.rotation import RotationResult, rotate_keys
from havenwatch.store.database import Database, Unit
from havenwatch.store.monitor_key import monitor_key
from havenwatch.store.schema import (
    cases,
    custom_values,
    deadline_actions,
    documents,
    event_sources,
    events,
    lead_matches,
    lead_sources,
    leads,
    people,
    person_name_keys,
    search_entries,
)

PURGED_PSEUDONYM = "purged"


@dataclass(frozen=True)
class PurgeResult:
    person_id: str
    cases: int
    events: int
    documents: int
    leads: int = 0
    sources: int = 0


@dataclass(frozen=True)
class PurgeReport:
    purged: list[PurgeResult]
    rotation: RotationResult | None


def _ids(conn: Connection, query: Select[Any]) -> list[str]:
    return [str(value) for value in conn.execute(query).scalars()]


def _erase_leads(conn: Connection, keyring: Keyring, person_id: str, event_ids: list[str]) -> int:
    """Delete the person's leads and match history; returns how many leads went.

    Their match rows go; a lead decided into their events, or left matching nobody by that,
    goes too (a lead matching nobody would become every team's news).
    """
    key = monitor_key(conn, keyring)
    matched: list[str] = []
    if key is not None:
        ref = lead_matches.c.person_ref == key.person_ref(person_id)
        matched = _ids(conn, select(lead_matches.c.lead_id).where(ref))
        conn.execute(lead_matches.delete().where(ref))
    others = exists().where(lead_matches.c.lead_id == leads.c.id)
    doomed = _ids(
        conn,
        select(leads.c.id).where(
            or_(leads.c.event_id.in_(event_ids), leads.c.id.in_(matched) & ~others)
        ),
    )
    conn.execute(lead_matches.delete().where(lead_matches.c.lead_id.in_(doomed)))
    conn.execute(lead_sources.delete().where(lead_sources.c.lead_id.in_(doomed)))
    conn.execute(leads.delete().where(leads.c.id.in_(doomed)))
    return len(doomed)


def _forget_links(
    conn: Connection, person_id: str, case_ids: list[str], event_ids: list[str]
) -> int:
    """Cut the links from their events to sources and the search entries; returns how many
    sources the orphaned-source rule deleted."""
    linked = _ids(
        conn,
        select(event_sources.c.source_id).where(event_sources.c.event_id.in_(event_ids)).distinct(),
    )
    conn.execute(event_sources.delete().where(event_sources.c.event_id.in_(event_ids)))
    entries = [("person", person_id)] + [("case", c) for c in case_ids]
    entries += [("event", e) for e in event_ids]
    conn.execute(
        search_entries.delete().where(
            tuple_(search_entries.c.kind, search_entries.c.ref_id).in_(entries)
        )
    )
    return len(drop_orphaned_sources(conn, linked))


def _blank_records(
    conn: Connection, person_id: str, case_ids: list[str], event_ids: list[str]
) -> None:
    now = utcnow()
    conn.execute(
        people.update()
        .where(people.c.id == person_id)
        .values(
            wrapped_key=None,
            identity=None,
            pseudonym=PURGED_PSEUDONYM,
            family_relation=None,
            birth_year=None,
            purged_at=now,
            updated_at=now,
        )
    )
    conn.execute(person_name_keys.delete().where(person_name_keys.c.person_id == person_id))
    conn.execute(custom_values.delete().where(custom_values.c.person_id == person_id))
    conn.execute(
        cases.update().where(cases.c.id.in_(case_ids)).values(notes=None, title="", updated_at=now)
    )
    conn.execute(
        events.update()
        .where(events.c.id.in_(event_ids))
        .values(notes=None, decision_code=None, updated_at=now)
    )
    conn.execute(
        deadline_actions.update()
        .where(deadline_actions.c.case_id.in_(case_ids))
        .values(note=None, updated_at=now)
    )


def shred_person(unit: Unit, keyring: Keyring, person_id: str) -> tuple[PurgeResult, list[str]]:
    """Destroy one person's key and identifying data in this transaction; returns the vault
    files to delete once it has committed."""
    found = unit.conn.execute(select(people.c.id).where(people.c.id == person_id)).first()
    if found is None:
        raise NotFoundError(f"no person {person_id}")
    case_ids = _ids(unit.conn, select(cases.c.id).where(cases.c.person_id == person_id))
    event_ids = _ids(unit.conn, select(events.c.id).where(events.c.case_id.in_(case_ids)))
    vault_names = _ids(
        unit.conn, select(documents.c.vault_name).where(documents.c.case_id.in_(case_ids))
    )
    originals = _ids(
        unit.conn,
        select(documents.c.original_vault_name).where(
            documents.c.case_id.in_(case_ids), documents.c.original_vault_name.is_not(None)
        ),
    )
    erased = _erase_leads(unit.conn, keyring, person_id, event_ids)
    dropped = _forget_links(unit.conn, person_id, case_ids, event_ids)
    _blank_records(unit.conn, person_id, case_ids, event_ids)
    unit.conn.execute(documents.delete().where(documents.c.case_id.in_(case_ids)))
    result = PurgeResult(
        person_id, len(case_ids), len(event_ids), len(vault_names), erased, dropped
    )
    unit.audit(
        "person.purge",
        target_type="person",
        target_id=person_id,
        detail={
            "cases": result.cases,
            "events": result.events,
            "documents": result.documents,
            "leads": result.leads,
            "sources": result.sources,
        },
    )
    return result, vault_names + originals


def _scrub_sqlite(db: Database) -> None:
    """Merge the FTS segments (deleted rows linger there) and empty the WAL of old pages."""
    with db.write("system:purge") as unit:
        full_text_tables = unit.conn.exec_driver_sql(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5(%'"
        ).scalars()
        for name in list(full_text_tables):
            unit.conn.exec_driver_sql(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _delete_files(vault_dir: Path, names: Collection[str]) -> None:
    for name in names:
        (vault_dir / name).unlink(missing_ok=True)


def purge_people(
    db: Database,
    settings: Settings,
    person_ids: Sequence[str],
    actor: str,
    *,
    passphrase: str | None = None,
) -> PurgeReport:
    """Purge each person (one transaction each), then rotate the key-encryption key once.

    Without a key file (key in HAVENWATCH_DATA_KEY) the rotation is skipped and the report
    says so: the caller must tell the operator to rotate by hand.
    """
    _require_people(db, person_ids)
    keyring = db.require_keyring()
    results: list[PurgeResult] = []
    try:
        for person_id in person_ids:
            with db.write(actor) as unit:
                result, files = shred_person(unit, keyring, person_id)
            _delete_files(settings.vault_dir, files)
            results.append(result)
    finally:
        rotation = _after_purge(db, settings, actor, passphrase) if results else None
    return PurgeReport(results, rotation)


def _require_people(db: Database, person_ids: Sequence[str]) -> None:
    """Check every id first, so a typo does not stop a purge half-way."""
    with db.read() as conn:
        found = set(_ids(conn, select(people.c.id).where(people.c.id.in_(person_ids))))
    missing = [person_id for person_id in person_ids if person_id not in found]
    if missing:
        raise NotFoundError(f"no person {missing[0]}")


def _after_purge(
    db: Database, settings: Settings, actor: str, passphrase: str | None
) -> RotationResult | None:
    """Scrub SQLite and rotate the key-encryption key, even after a partial purge."""
    if db.is_sqlite:
        _scrub_sqlite(db)
    if os.environ.get("HAVENWATCH_DATA_KEY"):
        return None
    return rotate_keys(db, settings.key_file, actor, passphrase=passphrase)
