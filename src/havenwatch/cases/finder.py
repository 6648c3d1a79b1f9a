"""What the search box finds: every kind of record the caller may see, in one transaction.

People are found by pseudonym and, for roles that may search names, through the blind index
of real names; cases, events and (for roles that may see them) sources through the full-text
index (for roles without identity rights, only sources linked to no event); documents, for
roles that may see them, by a word inside them through their keyed blind index
(`cases.document_words`). The web page and the API answer from this one function, so they
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.access.visibility import source_visibility_for
from havenwatch.cases.document_words import DocumentHit, document_hits, documents_with_words
from havenwatch.cases.people import people_named
from havenwatch.cases.search import search_in
from havenwatch.cases.source_words import sources_with_words
from havenwatch.cases.sources import open_source_fields, source_key
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people, sources

LIMIT = 20


def _rows(conn: Connection, table: Any, ids: list[str], *columns: Any) -> list[Any]:
    if not ids:
        return []
    found = {
        row.id: row for row in conn.execute(select(table.c.id, *columns).where(table.c.id.in_(ids)))
    }
    return [found[item] for item in ids if item in found]


@dataclass(frozen=True)
class SearchRights:
    """What kinds a role may search (the teams are the `Scope`)."""

    sources: bool
    real_names: bool
    # Sources linked to events name the people of those cases: a role without identity
    # rights would learn who they are by searching their names, so it searches only the
    # reports linked to no event.
    linked_sources: bool
    # Documents in the vault, found by a word inside them (roles that may see documents).
    documents: bool = False

    @classmethod
    def of(cls, principal: Principal) -> SearchRights:
        return cls(
            sources=principal.can(Capability.VIEW_SOURCES),
            real_names=principal.can(Capability.SEARCH_NAMES),
            linked_sources=principal.can(Capability.VIEW_IDENTITY),
            documents=principal.can(Capability.VIEW_DOCUMENTS),
        )

    @classmethod
    def everything(cls) -> SearchRights:
        """Every kind, real names included: the command line."""
        return cls(sources=True, real_names=True, linked_sources=True, documents=True)


def search_everything(
    db: Database, scope: Scope, query: str, *, rights: SearchRights
) -> dict[str, list[Any]]:
    """Every kind of record the scope and rights allow that matches, read in one transaction."""
    kinds = ["person", "case", "event"] + (["source"] if rights.sources else [])
    with db.read() as conn:
        found = search_in(
            conn,
            query,
            kinds=kinds,
            scope=scope,
            linked_sources=rights.linked_sources,
            limit=LIMIT,
        )
        if rights.sources and db.keyring is not None:
            visible = source_visibility_for(scope, linked=rights.linked_sources)
            sealed = sources_with_words(conn, db.keyring, query, visible=visible, limit=LIMIT)
            found["source"] = sealed + [sid for sid in found["source"] if sid not in sealed]
        person_ids = list(found["person"])
        if rights.real_names:
            keyring = db.require_keyring()
            by_name = people_named(conn, keyring, query, scope=scope, limit=LIMIT)
            person_ids = by_name[:LIMIT] + [pid for pid in person_ids if pid not in by_name]
        return {
            "people": _rows(
                conn, people, person_ids[:LIMIT], people.c.pseudonym, people.c.nationality
            ),
            "cases": _rows(
                conn, cases, found["case"], cases.c.title, cases.c.country, cases.c.status
            ),
            "events": _event_rows(conn, found["event"]),
            "sources": _source_rows(conn, db.keyring, found.get("source", [])),
            "documents": _documents(conn, db.keyring, query, scope, rights),
        }


def _documents(
    conn: Connection, keyring: Keyring | None, query: str, scope: Scope, rights: SearchRights
) -> list[DocumentHit]:
    if not rights.documents or keyring is None:
        return []
    ids = documents_with_words(conn, keyring, query, scope=scope, limit=LIMIT)
    return document_hits(conn, keyring, ids)


@dataclass(frozen=True)
class SourceHit:
    """A source found, its title opened where it is sealed (and the key is at hand)."""

    id: str
    title: str | None
    publisher: str | None
    published_on: date | None


def _source_rows(conn: Connection, keyring: Keyring | None, ids: list[str]) -> list[SourceHit]:
    shown = (sources.c.title, sources.c.publisher, sources.c.published_on, sources.c.sealed)
    rows = _rows(conn, sources, ids, *shown, sources.c.url, sources.c.text)
    key = source_key(conn, keyring) if any(row.sealed is not None for row in rows) else None
    return [
        SourceHit(row.id, open_source_fields(key, row).title, row.publisher, row.published_on)
        for row in rows
    ]


def _event_rows(conn: Connection, ids: list[str]) -> list[Any]:
    if not ids:
        return []
    rows = conn.execute(
        select(events.c.id, events.c.type, events.c.date_text, events.c.case_id, cases.c.title)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.id.in_(ids))
    )
    found = {row.id: row for row in rows}
    return [found[item] for item in ids if item in found]
