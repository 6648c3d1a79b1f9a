"""API: the search page's full-text search, with the same scope for each role and team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.finder import LIMIT, SearchRights, search_everything
from havenwatch.web.api.models import (
    NO_NUL,
    CaseHit,
    DocumentHit,
    EventHit,
    PersonHit,
    SearchOut,
    SourceHit,
)
from havenwatch.web.deps import api_need, database

router = APIRouter()
Searcher = Annotated[Principal, Depends(api_need(Capability.SEARCH))]


@router.get("/search")
def api_search(
    request: Request,
    principal: Searcher,
    q: Annotated[str, Query(max_length=200, pattern=NO_NUL)] = "",
) -> SearchOut:
    """People (by pseudonym, and by real name in any script for roles that may search names),
    cases, events, sources and (for roles that may see them) documents by a word inside them,
    of the caller's teams, newest first, at most `limit` of each.

    The search page's own function answers, so the API can never find more than the page."""
    query = q.strip()
    rights = SearchRights.of(principal)
    db = database(request)
    found = search_everything(db, Scope.of(principal), query, rights=rights) if query else {}
    return SearchOut(
        query=query,
        limit=LIMIT,
        people=[
            PersonHit(id=row.id, pseudonym=row.pseudonym, nationality=row.nationality)
            for row in found.get("people", [])
        ],
        cases=[
            CaseHit(id=row.id, title=row.title, country=row.country, status=row.status)
            for row in found.get("cases", [])
        ],
        events=[
            EventHit(
                id=row.id,
                type=row.type,
                date=row.date_text,
                case_id=row.case_id,
                case_title=row.title,
            )
            for row in found.get("events", [])
        ],
        sources=[
            SourceHit(
                id=row.id,
                title=row.title,
                publisher=row.publisher,
                published_on=row.published_on,
            )
            for row in found.get("sources", [])
        ],
        documents=[
            DocumentHit(
                id=row.id,
                case_id=row.case_id,
                filename=row.filename,
                case_title=row.case_title,
                document_type=row.document_type,
            )
            for row in found.get("documents", [])
        ],
    )
