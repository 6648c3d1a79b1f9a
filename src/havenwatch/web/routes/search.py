"""Search over people (pseudonyms, or names through the blind index), cases, events, sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.web.deps import database, need
from havenwatch.web.rendering import render

router = APIRouter()
Searcher = Annotated[Principal, Depends(need(Capability.SEARCH))]


@router.get("/search")
def search_page(request: Request, principal: Searcher) -> Response:
    query = (request.query_params.get("q") or "").strip()[:200]
    rights = SearchRights.of(principal)
    db = database(request)
    results = search_everything(db, Scope.of(principal), query, rights=rights) if query else None
    return render(request, "search.html", {"query": query, "results": results})
