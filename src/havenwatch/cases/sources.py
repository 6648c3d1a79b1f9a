"""Sources: news reports and other published material, stored once by content hash.

A report the news monitor stored keeps its url, title and text sealed with the monitor pool's
data key (`havenwatch.store.monitor_key`); `source_from_row` opens it when given that key,
and shows it empty without.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import case_visibility, source_visibility
from havenwatch.cases.search import index_source
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError
from havenwatch.core.ids import content_digest, new_id
from havenwatch.core.model import Source, validate_source
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database, Unit
from havenwatch.store.monitor_key import MonitorKey, monitor_key
from havenwatch.store.rows import SOURCE_ROWS
from havenwatch.store.schema import AnyRow, cases, event_sources, events, sources


def content_hash(source: Source) -> str:
    """Identical text (or, without text, the same URL) is the same source."""
    return content_digest(source.text, source.url, source.title)


@dataclass(frozen=True)
class SourceFields:
    """The parts of a source that may name someone: sealed for reports the monitor stored."""

    url: str | None
    title: str | None
    text: str


def open_source_fields(key: MonitorKey | None, row: AnyRow) -> SourceFields:
    """The row's url, title and text, opened with the monitor's key where they are sealed."""
    if row.sealed is None:
        return SourceFields(row.url, row.title, row.text)
    if key is None:
        return SourceFields(None, None, "")
    opened = key.open_json(row.sealed, "sources", "sealed", row.id)
    return SourceFields(opened.get("url"), opened.get("title"), str(opened.get("text") or ""))


def source_key(conn: Connection, keyring: Keyring | None) -> MonitorKey | None:
    """The key that opens the sources the monitor stored, where the caller holds the keys."""
    return monitor_key(conn, keyring) if keyring is not None else None


def sources_from_rows(
    conn: Connection, keyring: Keyring | None, rows: Sequence[AnyRow]
) -> list[Source]:
    key = source_key(conn, keyring) if any(row.sealed is not None for row in rows) else None
    return [source_from_row(row, key) for row in rows]


def source_from_row(row: AnyRow, key: MonitorKey | None = None) -> Source:
    opened = open_source_fields(key, row)
    return SOURCE_ROWS.record_of(row, url=opened.url, title=opened.title, text=opened.text)


def find_by_hash(conn: Connection, digest: str) -> Source | None:
    row = conn.execute(select(sources).where(sources.c.content_hash == digest)).first()
    return source_from_row(row) if row else None


def team_scoped_hash(digest: str, teams: Collection[str]) -> str:
    """The hash of a team's own copy of a source another team already holds."""
    scope = ",".join(sorted(teams))
    return hashlib.sha256(f"{scope}\n{digest}".encode()).hexdigest()


def _visible(conn: Connection, source_id: str, scope: Scope) -> bool:
    found = conn.execute(
        select(sources.c.id).where(sources.c.id == source_id, source_visibility(scope))
    ).first()
    return found is not None


def insert_source(unit: Unit, source: Source, *, scope: Scope) -> tuple[Source, bool]:
    """Store the source unless an identical one the scope may see exists; returns (source, created).

    For named teams, only a source those teams may already see counts as identical: a report
    linked to another team's case is never handed back (its title, text and id would tell
    that team's work), so the caller's teams get a copy of their own, found by a hash scoped
    to them.
    """
    validate_source(source)
    source.content_hash = source.content_hash or content_hash(source)
    existing = find_by_hash(unit.conn, source.content_hash)
    if existing and not scope.every_team and not _visible(unit.conn, existing.id or "", scope):
        source.content_hash = team_scoped_hash(source.content_hash, scope.team_ids)
        existing = find_by_hash(unit.conn, source.content_hash)
    if existing:
        return existing, False
    source.id = source.id or new_id()
    source.created_at = source.created_at or utcnow()
    unit.conn.execute(
        sources.insert().values(
            id=source.id,
            url=source.url,
            title=source.title,
            publisher=source.publisher,
            published_on=source.published_on,
            language=source.language,
            text=source.text,
            content_hash=source.content_hash,
            created_at=source.created_at,
        )
    )
    index_source(unit.conn, source.id)
    unit.audit("source.create", target_type="source", target_id=source.id)
    return source, True


def add_source(db: Database, source: Source, actor: str, *, scope: Scope) -> tuple[Source, bool]:
    with db.write(actor) as unit:
        return insert_source(unit, source, scope=scope)


def get_source(db: Database, source_id: str, *, scope: Scope, names: bool = True) -> Source:
    """One source the scope may see; with `names=False`, as `withhold_names` leaves it."""
    with db.read() as conn:
        row = conn.execute(
            select(sources).where(sources.c.id == source_id, source_visibility(scope))
        ).first()
        if row is None:
            raise NotFoundError(f"no source {source_id}")
        found = sources_from_rows(conn, db.keyring, [row])
        return (found if names else withhold_names(conn, found))[0]


def list_sources(
    db: Database,
    *,
    scope: Scope,
    limit: int = 100,
    offset: int = 0,
    ids: Collection[str] | None = None,
    names: bool = True,
) -> list[Source]:
    """Sources the scope may see, newest first; with `names=False` (roles without identity
    rights) as `withhold_names` leaves them."""
    query = (
        select(sources)
        .where(source_visibility(scope))
        .order_by(sources.c.published_on.desc(), sources.c.id.desc())
    )
    if ids is not None:
        query = query.where(sources.c.id.in_(ids))
    with db.read() as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).all()
        found = sources_from_rows(conn, db.keyring, rows)
        return found if names else withhold_names(conn, found)


@dataclass(frozen=True)
class CitingEvent:
    """An event of the scope that cites a source, with its case's title."""

    id: str
    type: str
    case_id: str
    title: str


def events_citing(db: Database, source_id: str, *, scope: Scope) -> list[CitingEvent]:
    """The events of the scope's cases that cite the source, in date order."""
    query = (
        select(events.c.id, events.c.type, events.c.case_id, cases.c.title)
        .join(event_sources, event_sources.c.event_id == events.c.id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(event_sources.c.source_id == source_id, case_visibility(scope))
        .order_by(events.c.date_earliest)
    )
    with db.read() as conn:
        return [
            CitingEvent(row.id, row.type, row.case_id, row.title) for row in conn.execute(query)
        ]


def sources_in(
    conn: Connection, keyring: Keyring | None, ids: Collection[str], scope: Scope, *, names: bool
) -> dict[str, Source]:
    """The sources among `ids` the scope may see, by id, inside the caller's transaction."""
    if not ids:
        return {}
    query = select(sources).where(sources.c.id.in_(list(ids)), source_visibility(scope))
    found = sources_from_rows(conn, keyring, conn.execute(query).all())
    return {source.id or "": source for source in (found if names else withhold_names(conn, found))}


def count_sources(db: Database, *, scope: Scope) -> int:
    """How many sources the scope may see."""
    query = select(func.count()).select_from(sources).where(source_visibility(scope))
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def withhold_names(conn: Connection, found: Sequence[Source]) -> list[Source]:
    """The sources as a reader without identity rights may see them.

    A report linked to an event names, in its title, text or URL, the person whose case it
    documents, and the link ties that name to the pseudonym: such a source keeps only its
    publisher, date, language and site, and is marked `withheld`. Unlinked reports (the
    monitor's general news) are shown whole.
    """
    ids = [source.id for source in found if source.id]
    linked = set(
        conn.execute(
            select(event_sources.c.source_id).where(event_sources.c.source_id.in_(ids))
        ).scalars()
        if ids
        else ()
    )
    return [_withheld(source) if source.id in linked else source for source in found]


def _withheld(source: Source) -> Source:
    return replace(source, title=None, text="", url=_site(source.url), withheld=True)


def _site(url: str | None) -> str | None:
    """Only the scheme and host of a URL: its path often spells the name (`/ann-smith-expelled`)."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/" if parts.scheme and parts.hostname else None
