"""What the search box finds: every kind of record the caller may see, in one transaction.

People are found by pseudonym and, for roles that may search names, through the blind index
of real names; cases, events and (for roles that may see them) sources through the full-text
index. The web page and the API answer from this one function, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from havenwatch.cases.people import people_named
from havenwatch.cases.search import search_in
from havenwatch.security.permissions import Capability, Principal, source_visibility
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


def search_everything(db: Database, principal: Principal, query: str) -> dict[str, list[Any]]:
    """Every kind of record the principal may see that matches, read in one transaction."""
    kinds = ["person", "case", "event"]
    if principal.can(Capability.VIEW_SOURCES):
        kinds.append("source")
    with db.read() as conn:
        found = search_in(
            conn,
            query,
            kinds=kinds,
            team_ids=principal.team_ids,
            source_visible=source_visibility(principal.team_ids),
            limit=LIMIT,
        )
        person_ids = list(found["person"])
        if principal.can(Capability.SEARCH_NAMES):
            keyring = db.require_keyring()
            by_name = people_named(conn, keyring, query, team_ids=principal.team_ids, limit=LIMIT)
            person_ids = by_name[:LIMIT] + [pid for pid in person_ids if pid not in by_name]
        return {
            "people": _rows(
                conn, people, person_ids[:LIMIT], people.c.pseudonym, people.c.nationality
            ),
            "cases": _rows(
                conn, cases, found["case"], cases.c.title, cases.c.country, cases.c.status
            ),
            "events": _event_rows(conn, found["event"]),
            "sources": _rows(
                conn,
                sources,
                found.get("source", []),
                sources.c.title,
                sources.c.publisher,
                sources.c.published_on,
            ),
        }


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
