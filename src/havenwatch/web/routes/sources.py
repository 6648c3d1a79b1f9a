"""Sources: published reports, listed and read, only those linked to the user's team or no one's.

Roles without identity rights see a report linked to an event without its title, text or
URL path (`withhold_names`): it names the person whose pseudonym the case shows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.sources import count_sources, events_citing, get_source, list_sources
from havenwatch.web.deps import database, need
from havenwatch.web.rendering import PageNumber, pager, render

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_SOURCES))]


@router.get("/sources")
def sources_list(request: Request, principal: Reader, page: PageNumber = 1) -> Response:
    db, scope = database(request), Scope.of(principal)
    with db.read():
        pages = pager(request, count_sources(db, scope=scope), page)
        shown = list_sources(
            db,
            scope=scope,
            limit=pages.size,
            offset=pages.offset,
            names=principal.can(Capability.VIEW_IDENTITY),
        )
    return render(request, "sources.html", {"sources": shown, "pager": pages})


@router.get("/sources/{source_id}")
def source_page(request: Request, principal: Reader, source_id: str) -> Response:
    db, scope = database(request), Scope.of(principal)
    with db.read():
        names = principal.can(Capability.VIEW_IDENTITY)
        source = get_source(db, source_id, scope=scope, names=names)
        linked = events_citing(db, source_id, scope=scope)
    return render(request, "source.html", {"source": source, "linked": linked})
