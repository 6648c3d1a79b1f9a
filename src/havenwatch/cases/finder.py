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
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.access.visibility import source_visibility_for
from havenwatch.cases.document_words import document_hits, document_word_parameters, documents_arm
from havenwatch.cases.people import ONE_WORD, name_parameters, named_arm
from havenwatch.cases.search import (
    MATCH,
    found_by_arms,
    kind_arm,
    match_parameter,
    query_terms,
    union_of,
)
from havenwatch.cases.source_words import sealed_arm, source_word_parameters
from havenwatch.cases.sources import open_source_fields, source_key
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people, sources

LIMIT = 20


IDS = "ids"
# What the page shows of each kind found: built once, run with each search's ids.
PEOPLE_SHOWN = select(people.c.id, people.c.pseudonym, people.c.nationality).where(
    people.c.id.in_(bindparam(IDS, expanding=True))
)
CASES_SHOWN = select(cases.c.id, cases.c.title, cases.c.country, cases.c.status).where(
    cases.c.id.in_(bindparam(IDS, expanding=True))
)
EVENTS_SHOWN = (
    select(events.c.id, events.c.type, events.c.date_text, events.c.case_id, cases.c.title)
    .join(cases, cases.c.id == events.c.case_id)
    .where(events.c.id.in_(bindparam(IDS, expanding=True)))
)
SOURCES_SHOWN = select(
    sources.c.id,
    sources.c.title,
    sources.c.publisher,
    sources.c.published_on,
    sources.c.sealed,
    sources.c.url,
    sources.c.text,
).where(sources.c.id.in_(bindparam(IDS, expanding=True)))


def _rows(conn: Connection, statement: Select[Any], ids: list[str]) -> list[Any]:
    """The rows of `statement` for `ids`, in the order of the ids."""
    if not ids:
        return []
    found = {row.id: row for row in conn.execute(statement, {IDS: ids})}
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
    """Every kind of record the scope and rights allow that matches, read in one transaction.

    One statement finds the ids of every kind (`_finding`: each kind ranked and limited
    inside the database); one more per kind found reads what the page shows of them.
    """
    kinds = ("person", "case", "event") + (("source",) if rights.sources else ())
    keyring = db.keyring
    with db.read() as conn:
        postgres = conn.dialect.name == "postgresql"
        terms = query_terms(query)
        parameters: dict[str, Any] = {MATCH: match_parameter(postgres, terms)} if terms else {}
        sealed: dict[str, Any] = {}
        names: dict[str, Any] = {}
        document_words: dict[str, Any] = {}
        if rights.sources and keyring is not None:
            sealed = source_word_parameters(conn, keyring, query)
        if rights.real_names:
            names = name_parameters(db.require_keyring(), query)
        if rights.documents and keyring is not None:
            document_words = document_word_parameters(keyring, query)
        shape = Shape(
            postgres=postgres,
            kinds=kinds if terms else (),
            scope=scope,
            linked_sources=rights.linked_sources,
            sealed=bool(sealed),
            names=0 if not names else 1 if ONE_WORD[0] in names else 2,
            documents=bool(document_words),
        )
        found: dict[str, list[str]] = {label: [] for label in (*KIND_LABELS, *EXTRA_LABELS)}
        if shape.arms():
            found |= found_by_arms(
                conn,
                _finding(shape),
                parameters | sealed | names | document_words,
                shape.arms(),
            )
        sealed_ids = found["sealed"]
        source_ids = sealed_ids + [sid for sid in found["source"] if sid not in sealed_ids]
        named = found["named"]
        person_ids = named[:LIMIT] + [pid for pid in found["person"] if pid not in named]
        return {
            "people": _rows(conn, PEOPLE_SHOWN, person_ids[:LIMIT]),
            "cases": _rows(conn, CASES_SHOWN, found["case"]),
            "events": _rows(conn, EVENTS_SHOWN, found["event"]),
            "sources": _source_rows(conn, keyring, source_ids),
            "documents": document_hits(conn, keyring, found["document"])
            if keyring is not None
            else [],
        }


KIND_LABELS = ("person", "case", "event", "source")
EXTRA_LABELS = ("sealed", "named", "document")


@dataclass(frozen=True)
class Shape:
    """What one search looks up: the statement is built once per shape, then reused with
    each query's parameters (building and keying a statement costs more than running it)."""

    postgres: bool
    kinds: tuple[str, ...]
    scope: Scope
    linked_sources: bool
    sealed: bool
    names: int  # 0: no name search, 1: one word (two keys), 2: more words
    documents: bool

    def arms(self) -> tuple[str, ...]:
        extra = {"sealed": self.sealed, "named": bool(self.names), "document": self.documents}
        return self.kinds + tuple(label for label, wanted in extra.items() if wanted)


@lru_cache(maxsize=256)
def _finding(shape: Shape) -> Select[Any]:
    """The ids of every kind the shape asks for, in one `UNION ALL` of limited arms."""
    arms = [
        kind_arm(shape.postgres, kind, shape.scope, shape.linked_sources, LIMIT)
        for kind in shape.kinds
    ]
    if shape.sealed:
        visible = source_visibility_for(shape.scope, linked=shape.linked_sources)
        arms.append(sealed_arm(visible, LIMIT))
    if shape.names:
        arms.append(named_arm(shape.scope, one_word=shape.names == 1, limit=LIMIT))
    if shape.documents:
        arms.append(documents_arm(shape.scope, LIMIT))
    return union_of(arms)


@dataclass(frozen=True)
class SourceHit:
    """A source found, its title opened where it is sealed (and the key is at hand)."""

    id: str
    title: str | None
    publisher: str | None
    published_on: date | None


def _source_rows(conn: Connection, keyring: Keyring | None, ids: list[str]) -> list[SourceHit]:
    rows = _rows(conn, SOURCES_SHOWN, ids)
    key = source_key(conn, keyring) if any(row.sealed is not None for row in rows) else None
    return [
        SourceHit(row.id, open_source_fields(key, row).title, row.publisher, row.published_on)
        for row in rows
    ]
