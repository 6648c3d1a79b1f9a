"""Anonymised exports and public statistics, read from the database.

Only non-identifying columns are read (nationality, host country, event type, its grounds code,
date bounds):
no name, pseudonym, note, document or free text ever enters the computation, and the data
key is not needed. Person ids are used only to count people rather than events; they never
leave this module.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from havenwatch.reports.anonymise import EventRecord, anonymise
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.reports.suppression import DEFAULT_K, check_k
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people


def event_records(conn: Connection) -> Iterator[EventRecord]:
    query = (
        select(
            people.c.id,
            people.c.nationality,
            cases.c.country,
            events.c.type,
            events.c.date_earliest,
            events.c.date_latest,
            events.c.grounds,
        )
        .join(cases, cases.c.id == events.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
    )
    for row in conn.execute(query):
        yield EventRecord(
            person_key=row.id,
            nationality=row.nationality,
            host_country=row.country,
            event_type=row.type,
            earliest=row.date_earliest,
            latest=row.date_latest,
            grounds=row.grounds,
        )


def anonymised_export(
    db: Database, k: int = DEFAULT_K, *, actor: str | None = None
) -> AnonymisedRelease:
    """The one published table at threshold k (never below 5).

    With `actor`, the export is recorded in the audit trail (k and what was suppressed);
    leave it out only for the public statistics page, which anyone may view.
    """
    check_k(k)
    with db.read() as conn:
        release = anonymise(event_records(conn), k)
    if actor is not None:
        with db.write(actor, changes_records=False) as unit:
            unit.audit(
                "export.anonymised",
                detail={
                    "k": k,
                    "published": len(release.counts),
                    "suppressed_cells": release.suppressed_cells,
                    "suppressed_totals": release.suppressed_totals,
                },
            )
    return release
