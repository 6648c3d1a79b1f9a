"""Deadline feeds (.ics) for calendar apps: one per case and one for the user's teams.

Calendar apps cannot log in, so besides the session cookie a read-only calendar token may be
given as `?token=`: one made for that very feed (`security.calendar_tokens`), never a personal
API token. Feed tokens are made, listed and revoked on the settings page; a case page makes
one for its case. The feed carries deadlines only: no names, and case titles only as the
user's own team sees them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.calendar_tokens import (
    create_calendar_token,
    revoke_calendar_token,
    user_for_calendar_token,
)
from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.principals import load_principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.deadlines import deadlines_due, deadlines_of_case
from havenwatch.core.clock import today
from havenwatch.legal.calendar_feed import build_calendar, entry_for_step
from havenwatch.web.deps import Form, PagePrincipal, database, page_principal
from havenwatch.web.principal import LoginRequired
from havenwatch.web.routes.account import settings_view

router = APIRouter()
FEED_HORIZON_DAYS = 365


def calendar_principal(request: Request) -> Principal:
    """The session's user, or the owner of a calendar token made for the feed asked for."""
    token = request.query_params.get("token")
    if token:
        feed_case = request.path_params.get("case_id")
        user_id = user_for_calendar_token(database(request), token, feed_case)
        principal = load_principal(database(request), user_id) if user_id else None
        if principal is None:
            raise LoginRequired
        request.state.principal = principal
    else:
        principal = page_principal(request)
    principal.require(Capability.VIEW_CASES)
    return principal


Subscriber = Annotated[Principal, Depends(calendar_principal)]


def _ics(body: bytes) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": 'inline; filename="deadlines.ics"'},
    )


@router.get("/cases/{case_id}/deadlines.ics")
def case_feed(request: Request, principal: Subscriber, case_id: str) -> Response:
    db = database(request)
    case = get_case(db, case_id, scope=Scope.of(principal))
    locale = principal.locale
    plan = deadlines_of_case(
        db, case_id, case.country, today=today(), locale=locale, scope=Scope.of(principal)
    )
    entries = []
    for item in plan.deadlines if plan else ():
        if item.status in ("open", "overdue"):
            entry = entry_for_step(item.deadline_id, item.step, case.title, locale)
            if entry is not None:
                entries.append(entry)
    return _ics(build_calendar(entries, name=case.title or "havenwatch", locale=locale))


@router.get("/deadlines.ics")
def team_feed(request: Request, principal: Subscriber) -> Response:
    day, locale = today(), principal.locale
    found = deadlines_due(
        database(request),
        today=day,
        within_days=FEED_HORIZON_DAYS,
        scope=Scope.of(principal),
        locale=locale,
    )
    entries = [
        entry
        for item in found
        if (
            entry := entry_for_step(
                item.deadline.deadline_id, item.deadline.step, item.case_title, locale
            )
        )
    ]
    return _ics(build_calendar(entries, name=f"havenwatch: {principal.team}", locale=locale))


@router.post("/settings/feeds")
def new_team_feed(request: Request, principal: PagePrincipal, form: Form) -> Response:
    """A calendar token for the deadlines of the user's teams, its URL shown once."""
    principal.require(Capability.VIEW_CASES)
    token = create_calendar_token(database(request), principal.user_id, None, principal.actor)
    return settings_view(request, principal, new_feed_url=_feed_url(request, "", token))


@router.post("/cases/{case_id}/feeds")
def new_case_feed(request: Request, principal: PagePrincipal, case_id: str, form: Form) -> Response:
    """A calendar token for one case the user's team sees, its URL shown once."""
    principal.require(Capability.VIEW_CASES)
    db = database(request)
    get_case(db, case_id, scope=Scope.of(principal))
    token = create_calendar_token(db, principal.user_id, case_id, principal.actor)
    url = _feed_url(request, f"/cases/{case_id}", token)
    return settings_view(request, principal, new_feed_url=url)


@router.post("/settings/feeds/{token_id}/revoke")
def drop_feed(request: Request, principal: PagePrincipal, token_id: str, form: Form) -> Response:
    revoke_calendar_token(database(request), principal.user_id, token_id, principal.actor)
    return RedirectResponse("/settings#feeds", 303)


def _feed_url(request: Request, prefix: str, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{prefix}/deadlines.ics?token={token}"
