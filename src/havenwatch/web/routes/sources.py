"""Sources: published reports, listed and read, only those linked to the user's team or no one's.

Roles without identity rights see a report linked to an event without its title, text or
URL path (`withhold_names`): it names the person whose pseudonym the case shows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from havenwatch.access.permissions import Capability, Principal, source_visibility, team_condition
from havenwatch.cases.sources import sources_from_rows, withhold_names
from havenwatch.core.errors import NotFoundError
from havenwatch.store.schema import cases, event_sources, events, sources
from havenwatch.web.deps import database, need
from havenwatch.web.rendering import PageNumber, pager, render

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_SOURCES))]


@router.get("/sources")
def sources_list(request: Request, principal: Reader, page: PageNumber = 1) -> Response:
    visible = source_visibility(principal.team_ids)
    db = database(request)
    with db.read() as conn:
        total = int(
            conn.execute(select(func.count()).select_from(sources).where(visible)).scalar_one()
        )
        pages = pager(request, total, page)
        rows = conn.execute(
            select(sources)
            .where(visible)
            .order_by(sources.c.published_on.desc(), sources.c.id.desc())
            .limit(pages.size)
            .offset(pages.offset)
        ).all()
        shown = sources_from_rows(conn, db.keyring, rows)
        if not principal.can(Capability.VIEW_IDENTITY):
            shown = withhold_names(conn, shown)
    return render(request, "sources.html", {"sources": shown, "pager": pages})


@router.get("/sources/{source_id}")
def source_page(request: Request, principal: Reader, source_id: str) -> Response:
    db = database(request)
    with db.read() as conn:
        row = conn.execute(
            select(sources).where(sources.c.id == source_id, source_visibility(principal.team_ids))
        ).first()
        if row is None:
            raise NotFoundError(f"no source {source_id}")
        linked = conn.execute(
            select(events.c.id, events.c.type, events.c.case_id, cases.c.title)
            .join(event_sources, event_sources.c.event_id == events.c.id)
            .join(cases, cases.c.id == events.c.case_id)
            .where(
                event_sources.c.source_id == source_id,
                team_condition(cases.c.team_id, principal.team_ids),
            )
            .order_by(events.c.date_earliest)
        ).all()
        source = sources_from_rows(conn, db.keyring, [row])[0]
        if not principal.can(Capability.VIEW_IDENTITY):
            (source,) = withhold_names(conn, [source])
    return render(request, "source.html", {"source": source, "linked": linked})
