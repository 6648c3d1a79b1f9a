"""Administration of news feeds: subscribe, see each feed's last outcome, fetch now, remove."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.core.errors import HavenwatchError
from havenwatch.monitor.subscriptions import (
    LANGUAGES,
    add_feed,
    list_feeds,
    make_feed_due,
    parse_interval,
    remove_feed,
)
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import explain
from havenwatch.web.rendering import render

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Capability.MANAGE_USERS))]


def _feeds_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    context = {"feeds": list_feeds(database(request)), "languages": LANGUAGES, "error": error}
    return render(request, "feeds.html", context, status_code=status)


@router.get("/admin/feeds")
def feeds_page(request: Request, principal: Admin) -> Response:
    return _feeds_page(request)


@router.post("/admin/feeds")
def subscribe(request: Request, principal: Admin, form: Form) -> Response:
    try:
        add_feed(
            database(request),
            forms.required(form, "url", limit=2000),
            principal.actor,
            language=forms.text(form, "language"),
            team=forms.text(form, "team", limit=120),
            every_minutes=parse_interval(forms.text(form, "every") or "30m"),
        )
    except HavenwatchError as error:
        return _feeds_page(request, explain(error), 400)
    return RedirectResponse("/admin/feeds", 303)


@router.post("/admin/feeds/due")
def fetch_soon(request: Request, principal: Admin, form: Form) -> Response:
    make_feed_due(database(request), forms.required(form, "feed_id", limit=64), principal.actor)
    return RedirectResponse("/admin/feeds", 303)


@router.post("/admin/feeds/remove")
def unsubscribe(request: Request, principal: Admin, form: Form) -> Response:
    remove_feed(database(request), forms.required(form, "feed_id", limit=64), principal.actor)
    return RedirectResponse("/admin/feeds", 303)
