"""Full-text search over what may be searched, and the index that serves it.

`search_entries` holds one row per person, case, event and source with the text that may be
found: a person's pseudonym (never their identity), a case's title, country and tags, an
event's type, authority, grounds and decision code (never its notes), a source's title,
publisher and text. SQLite searches it through FTS5 (`unicode61 remove_diacritics 2`),
PostgreSQL through `to_tsvector('simple', body)` and a GIN index (migration 0003_search).
Each search asks for one kind, and each kind has its own index (an FTS5 table per kind:
migration 0009; a partial GIN index per kind: migration 0007), so one kind never walks
another's matches.

Every write path that creates or changes one of those records calls the matching `index_*`
function in the same transaction, so the index never lags behind the data. Real names are
never in this index: they are found through the keyed blind index (`find_people_by_name`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Subquery,
    column,
    exists,
    func,
    literal_column,
    select,
    text,
    true,
    union_all,
)

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import search_visibility, source_visibility_for
from havenwatch.store.database import Database
from havenwatch.store.schema import case_tags, cases, events, people, search_entries, sources

KINDS = ("person", "case", "event", "source")
MAX_TERMS = 8
MATCH = "search_match"
TOKEN = re.compile(r"\w+", re.UNICODE)


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ")


def person_body(pseudonym: str) -> str:
    return pseudonym


def case_body(title: str | None, country: str, tags: Iterable[str]) -> str:
    return " ".join([title or "", country, " ".join(tags)])


def event_body(row: Mapping[str, Any]) -> str:
    parts = (row.get("type"), row.get("authority"), row.get("grounds"), row.get("decision_code"))
    return " ".join(_words(part) for part in parts)


def source_body(title: str | None, publisher: str | None, body_text: str | None) -> str:
    return " ".join([title or "", publisher or "", body_text or ""])


def add_entries(conn: Connection, entries: list[dict[str, Any]]) -> None:
    """Index records that are new (bulk loads); each entry has kind, ref_id, team_id, body."""
    if entries:
        conn.execute(search_entries.insert(), entries)


def replace_entry(conn: Connection, kind: str, ref_id: str, team_id: str | None, body: str) -> None:
    conn.execute(
        search_entries.delete().where(
            search_entries.c.kind == kind, search_entries.c.ref_id == ref_id
        )
    )
    add_entries(conn, [{"kind": kind, "ref_id": ref_id, "team_id": team_id, "body": body}])


def index_person(conn: Connection, person_id: str | None) -> None:
    if person_id is None:
        return
    row = conn.execute(
        select(people.c.team_id, people.c.pseudonym).where(people.c.id == person_id)
    ).first()
    if row is not None:
        replace_entry(conn, "person", person_id, row.team_id, person_body(row.pseudonym))


def index_case(conn: Connection, case_id: str | None) -> None:
    if case_id is None:
        return
    row = conn.execute(
        select(cases.c.team_id, cases.c.title, cases.c.country).where(cases.c.id == case_id)
    ).first()
    if row is not None:
        tags = conn.execute(select(case_tags.c.tag).where(case_tags.c.case_id == case_id))
        body = case_body(row.title, row.country, sorted(tag for (tag,) in tags))
        replace_entry(conn, "case", case_id, row.team_id, body)


def index_event(conn: Connection, event_id: str | None) -> None:
    if event_id is None:
        return
    row = conn.execute(
        select(events, cases.c.team_id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.id == event_id)
    ).first()
    if row is not None:
        replace_entry(conn, "event", event_id, row.team_id, event_body(dict(row._mapping)))


def index_source(conn: Connection, source_id: str | None) -> None:
    if source_id is None:
        return
    row = conn.execute(select(sources).where(sources.c.id == source_id)).first()
    if row is not None:
        body = source_body(row.title, row.publisher, row.text)
        replace_entry(conn, "source", source_id, None, body)


def search_rows(tables: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Index entries for rows about to be bulk-inserted (people, cases, tags, events, sources)."""
    tags: dict[str, list[str]] = {}
    for tag in tables.get("tags", []):
        tags.setdefault(tag["case_id"], []).append(tag["tag"])
    case_teams = {row["id"]: row["team_id"] for row in tables.get("cases", [])}
    entries = [
        {
            "kind": "person",
            "ref_id": row["id"],
            "team_id": row["team_id"],
            "body": person_body(row["pseudonym"]),
        }
        for row in tables.get("people", [])
    ]
    entries += [
        {
            "kind": "case",
            "ref_id": row["id"],
            "team_id": row["team_id"],
            "body": case_body(row["title"], row["country"], sorted(tags.get(row["id"], []))),
        }
        for row in tables.get("cases", [])
    ]
    entries += [
        {
            "kind": "event",
            "ref_id": row["id"],
            "team_id": case_teams.get(row["case_id"]),
            "body": event_body(row),
        }
        for row in tables.get("events", [])
    ]
    entries += [
        {
            "kind": "source",
            "ref_id": row["id"],
            "team_id": None,
            "body": source_body(row["title"], row["publisher"], row["text"]),
        }
        for row in tables.get("sources", [])
    ]
    return entries


def query_terms(query: str) -> list[str]:
    """The words of a user's query, lower-cased; punctuation and operators are dropped."""
    return [term.lower() for term in TOKEN.findall(query)][:MAX_TERMS]


def match_parameter(postgres: bool, terms: list[str]) -> str:
    """The value of the `search_match` parameter: every term as a word prefix."""
    if postgres:
        return " & ".join(f"{term}:*" for term in terms)
    return " ".join(f'"{term}"*' for term in terms)


def _postgres_match() -> ColumnElement[bool]:
    """Entries whose body holds every term as a word prefix (GIN index over the tsvector)."""
    condition = text(
        "to_tsvector('simple', search_entries.body) @@ to_tsquery('simple', :search_match)"
    )
    return condition  # type: ignore[return-value]


def _kind_is(kind: str) -> ColumnElement[bool]:
    """`kind = '...'` with the kind written into the SQL, never bound as a parameter.

    PostgreSQL can then pick that kind's partial index in every plan, generic ones included.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    return search_entries.c.kind == literal_column(f"'{kind}'")


def _sqlite_matches(kind: str) -> Subquery:
    """Rowids of entries of one kind holding every term as a word prefix, newest first.

    The MATCH runs alone in its subquery: SQLite walks the FTS5 results in descending rowid
    order and looks each entry up by primary key, so a page of results stops the walk early
    instead of filtering every match of a common word. Each kind has its own FTS5 table
    (migration 0009), so a word is looked up only among entries of that kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
    table = f"search_fts_{kind}"
    return (
        text(
            f"SELECT rowid AS rid FROM {table} WHERE {table} MATCH :search_match "
            "ORDER BY rowid DESC"
        )
        .columns(column("rid", Integer))
        .subquery(f"matches_{kind}")
    )


def positioned(label: str, ranked: Subquery, *order: ColumnElement[Any]) -> Select[Any]:
    """The rows of `ranked` (a subquery ordered and limited inside the database, with an `id`
    column) as (kind, id, position): one arm of a `UNION ALL` that finds every kind at once.

    The position numbers the at most `limit` rows of the arm in `order`, its own order, so
    the union is sorted by kind and position without any arm walking further.
    """
    if not label.isidentifier():
        raise ValueError(f"bad arm label {label!r}")
    return select(
        literal_column(f"'{label}'").label("kind"),
        ranked.c.id.label("id"),
        func.row_number().over(order_by=list(order)).label("position"),
    )


def kind_arm(
    postgres: bool, kind: str, scope: Scope, linked_sources: bool, limit: int
) -> Select[Any]:
    """The newest `limit` entries of one kind that match `:search_match` and the caller may
    see, as a `positioned` arm labelled with the kind."""
    condition = _visible(kind, scope, linked_sources)
    if postgres:
        ranked = (
            select(search_entries.c.ref_id.label("id"), search_entries.c.id.label("rank"))
            .where(_kind_is(kind), _postgres_match(), condition)
            .order_by(search_entries.c.id.desc())
            .limit(limit)
            .subquery(f"ranked_{kind}")
        )
    else:
        matches = _sqlite_matches(kind)
        ranked = (
            select(search_entries.c.ref_id.label("id"), matches.c.rid.label("rank"))
            .select_from(matches.join(search_entries, search_entries.c.id == matches.c.rid))
            .where(_kind_is(kind), condition)
            .order_by(matches.c.rid.desc())
            .limit(limit)
            .subquery(f"ranked_{kind}")
        )
    return positioned(kind, ranked, ranked.c.rank.desc())


def found_by_arms(
    conn: Connection, statement: Select[Any], parameters: Mapping[str, Any], labels: Iterable[str]
) -> dict[str, list[str]]:
    """Run a union of `positioned` arms: the ids of each label, in each arm's order."""
    found: dict[str, list[str]] = {label: [] for label in labels}
    for row in conn.execute(statement, dict(parameters)):
        found[row.kind].append(row.id)
    return found


def union_of(arms: list[Select[Any]]) -> Select[Any]:
    """The arms as one statement, sorted by kind and position inside the database."""
    united = union_all(*arms).subquery("found")
    return select(united.c.kind, united.c.id).order_by(united.c.kind, united.c.position)


@lru_cache(maxsize=256)
def _kinds_statement(
    postgres: bool, kinds: tuple[str, ...], scope: Scope, linked_sources: bool, limit: int
) -> Select[Any]:
    """Built once per shape: the statement is the same for every query, only its parameter
    changes (building and keying a new one cost more than running it)."""
    return union_of([kind_arm(postgres, kind, scope, linked_sources, limit) for kind in kinds])


def search(
    db: Database,
    query: str,
    *,
    kinds: Collection[str] = KINDS,
    scope: Scope,
    linked_sources: bool = True,
    limit: int = 20,
) -> dict[str, list[str]]:
    """Ids of matching records per kind, newest first, limited to what the scope may see.

    The scope narrows people, cases, events and sources (`access.visibility`); without
    `linked_sources` (roles without identity rights) only sources linked to no event.
    """
    with db.read() as conn:
        return search_in(
            conn, query, kinds=kinds, scope=scope, linked_sources=linked_sources, limit=limit
        )


def search_in(
    conn: Connection,
    query: str,
    *,
    kinds: Collection[str] = KINDS,
    scope: Scope,
    linked_sources: bool = True,
    limit: int = 20,
) -> dict[str, list[str]]:
    """`search` inside a transaction the caller holds: one statement for every kind, each
    kind ranked and limited inside the database."""
    terms = query_terms(query)
    if not terms or not kinds:
        return {kind: [] for kind in kinds}
    postgres = conn.dialect.name == "postgresql"
    statement = _kinds_statement(postgres, tuple(kinds), scope, linked_sources, limit)
    return found_by_arms(conn, statement, {MATCH: match_parameter(postgres, terms)}, kinds)


def _visible(kind: str, scope: Scope, linked_sources: bool) -> ColumnElement[bool]:
    if kind == "source":
        if scope.every_team and linked_sources:
            return true()
        visible = source_visibility_for(scope, linked=linked_sources)
        return exists().where(sources.c.id == search_entries.c.ref_id, visible)
    return search_visibility(scope)
