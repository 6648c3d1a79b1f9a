"""The user's own settings: interface language, personal API tokens and calendar feeds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.accounts import set_locale
from havenwatch.access.api_tokens import create_token, list_tokens, revoke_token
from havenwatch.access.calendar_tokens import CalendarToken, list_calendar_tokens
from havenwatch.access.permissions import Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.store.database import Database
from havenwatch.web import forms
from havenwatch.web.deps import Form, PagePrincipal, database
from havenwatch.web.i18n import LOCALES, activate
from havenwatch.web.rendering import render

router = APIRouter()


def settings_view(
    request: Request,
    principal: Principal,
    *,
    new_token: str | None = None,
    new_feed_url: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The settings page, with a just-made API token or feed URL shown once."""
    db = database(request)
    return render(
        request,
        "settings.html",
        {
            "tokens": list_tokens(db, principal.user_id),
            "feeds": _feeds(db, principal),
            "new_token": new_token,
            "new_feed_url": new_feed_url,
            "error": error,
        },
        status_code=status,
    )


def _feeds(db: Database, principal: Principal) -> list[tuple[CalendarToken, str | None]]:
    """The user's calendar feeds, each with the title of its case (None: the team feed)."""
    feeds = []
    for feed in list_calendar_tokens(db, principal.user_id):
        title = None
        if feed.case_id is not None:
            try:
                title = get_case(db, feed.case_id, scope=Scope.of(principal)).title
            except NotFoundError:
                title = "—"
        feeds.append((feed, title))
    return feeds


@router.get("/settings")
def settings_page(request: Request, principal: PagePrincipal) -> Response:
    return settings_view(request, principal)


@router.post("/settings/language")
def choose_language(request: Request, principal: PagePrincipal, form: Form) -> Response:
    locale = forms.text(form, "locale", limit=10)
    if locale in LOCALES:
        set_locale(database(request), principal.user_id, locale, principal.actor)
        activate(locale)
    target = forms.text(form, "next", limit=500) or "/settings"
    safe = target if target.startswith("/") and not target.startswith("//") else "/settings"
    return RedirectResponse(safe, 303)


@router.post("/settings/tokens")
def new_token(request: Request, principal: PagePrincipal, form: Form) -> Response:
    try:
        token = create_token(
            database(request),
            principal.user_id,
            forms.text(form, "name", limit=120) or "",
            principal.actor,
        )
    except HavenwatchError as error:
        return settings_view(request, principal, error=str(error), status=400)
    return settings_view(request, principal, new_token=token)


@router.post("/settings/tokens/{token_id}/revoke")
def drop_token(request: Request, principal: PagePrincipal, token_id: str, form: Form) -> Response:
    revoke_token(database(request), principal.user_id, token_id, principal.actor)
    return RedirectResponse("/settings", 303)
