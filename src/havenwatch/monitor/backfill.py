"""The blind indexes of what was ingested before they existed, filled in afterwards.

Migration `0011t_triage_review` added two blind indexes, filled at ingest from then on: the
keys of each lead's subject name (`lead_name_keys`, for re-matching after an accept or a
merge) and the keys of each sealed report's words (`source_word_keys`, for search). Leads and
reports stored before it have none. `backfill_indexes` opens each of them with the monitor
pool's key, in batches, and writes their keys, exactly as ingest does
(`havenwatch.monitor.record.index_lead_name`, `havenwatch.cases.source_words`): keyed hashes
only, nothing in clear. Migration `0012l_lead_backfill` runs it; running it again finds
nothing left to do (a lead whose report names nobody has no keys and is opened again, no more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, exists, select

from havenwatch.cases.source_words import index_source_words
from havenwatch.cases.sources import open_source_fields
from havenwatch.crypto.keys import Keyring
from havenwatch.monitor.record import index_lead_name
from havenwatch.store.monitor_key import MonitorKey, monitor_key
from havenwatch.store.schema import lead_name_keys, leads, source_word_keys, sources

BATCH = 500


@dataclass(frozen=True)
class Backfilled:
    """How many leads had their name indexed and how many reports their words."""

    leads: int = 0
    sources: int = 0


def needs_backfill(conn: Connection) -> bool:
    """Whether any lead or sealed report has no blind index rows (for a lead, its report may
    simply name nobody: only opening it tells)."""
    return bool(
        conn.execute(select(_unindexed_leads(None).exists())).scalar()
        or conn.execute(select(_unindexed_sources(None).exists())).scalar()
    )


def backfill_indexes(conn: Connection, keyring: Keyring) -> Backfilled:
    """Index every lead's name and every sealed report's words not indexed yet."""
    key = monitor_key(conn, keyring)
    if key is None:
        return Backfilled()
    return Backfilled(_backfill_leads(conn, key), _backfill_sources(conn, key))


def _unindexed_leads(after: str | None) -> Select[Any]:
    query = select(leads.c.id, leads.c.sealed).where(
        ~exists().where(lead_name_keys.c.lead_id == leads.c.id)
    )
    return query.where(leads.c.id > after) if after is not None else query


def _unindexed_sources(after: str | None) -> Select[Any]:
    query = select(
        sources.c.id, sources.c.url, sources.c.title, sources.c.text, sources.c.sealed
    ).where(
        sources.c.sealed.is_not(None),
        ~exists().where(source_word_keys.c.source_id == sources.c.id),
    )
    return query.where(sources.c.id > after) if after is not None else query


def _backfill_leads(conn: Connection, key: MonitorKey) -> int:
    indexed, after = 0, ""
    while rows := conn.execute(_unindexed_leads(after).order_by(leads.c.id).limit(BATCH)).all():
        for row in rows:
            name = key.open_json(row.sealed, "leads", "sealed", row.id).get("subject_name")
            if name:
                index_lead_name(conn, key, row.id, name)
                indexed += 1
        after = rows[-1].id
    return indexed


def _backfill_sources(conn: Connection, key: MonitorKey) -> int:
    indexed, after = 0, ""
    while rows := conn.execute(_unindexed_sources(after).order_by(sources.c.id).limit(BATCH)).all():
        for row in rows:
            opened = open_source_fields(key, row)
            index_source_words(conn, key, row.id, opened.title, opened.text)
            indexed += 1
        after = rows[-1].id
    return indexed
