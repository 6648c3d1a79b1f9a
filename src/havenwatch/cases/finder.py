"""What the search box finds: every kind of record the caller may see, in one transaction.

People are found by pseudonym and, for roles that may search names, through the blind index
of real names; cases, events and (for roles that may see them) sources through the full-text
index (for roles without identity rights, only sources linked to no event). The web page
and the API answer from this one function, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, select

from havenwatch.access.permissions import Capability, Principal, source_visibility
from havenwatch.cases.people import people_named
from havenwatch.cases.search import search_in
from havenwatch.cases.source_words import sources_with_words
from havenwatch.cases.sources import linked_to_an_event, open_source_fields, source_key
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
class SearchScope:
    """What a search may look at: the teams (None: all) and the kinds a role may see."""

    team_ids: Collection[str] | None
    sources: bool
    real_names: bool
    # Sources linked to events name the people of those cases: a role without identity
    # rights would learn who they are by searching their names, so it searches only the
    # reports linked to no event.
    linked_sources: bool

    @classmethod
    def of(cls, principal: Principal) -> SearchScope:
        return cls(
            team_ids=principal.team_ids,
            sources=principal.can(Capability.VIEW_SOURCES),
            real_names=principal.can(Capability.SEARCH_NAMES),
            linked_sources=principal.can(Capability.VIEW_IDENTITY),
        )

    def source_condition(self) -> ColumnElement[bool]:
        visible = source_visibility(self.team_ids)
        return visible if self.linked_sources else and_(visible, ~linked_to_an_event())


def search_everything(db: Database, scope: SearchScope, query: str) -> dict[str, list[Any]]:
    """Every kind of record the scope allows that matches, read in one transaction."""
    kinds = ["person", "case", "event"] + (["source"] if scope.sources else [])
    with db.read() as conn:
        found = search_in(
            conn,
            query,
            kinds=kinds,
            team_ids=scope.team_ids,
            source_visible=scope.source_condition(),
            limit=LIMIT,
        )
        if scope.sources and db.keyring is not None:
            sealed = sources_with_words(
                conn, db.keyring, query, visible=scope.source_condition(), limit=LIMIT
            )
            found["source"] = sealed + [sid for sid in found["source"] if sid not in sealed]
        person_ids = list(found["person"])
        if scope.real_names:
            keyring = db.require_keyring()
            by_name = people_named(conn, keyring, query, team_ids=scope.team_ids, limit=LIMIT)
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
        }


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
