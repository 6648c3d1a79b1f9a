"""The user's own settings: interface language and personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.cases.errors import HavenwatchError
from havenwatch.security.api_tokens import create_token, list_tokens, revoke_token
from havenwatch.security.permissions import Principal
from havenwatch.store.schema import users
from havenwatch.web import forms
from havenwatch.web.deps import Form, PagePrincipal, database
from havenwatch.web.i18n import LOCALES, activate
from havenwatch.web.rendering import render

router = APIRouter()


def _settings_page(
    request: Request,
    principal: Principal,
    *,
    new_token: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "settings.html",
        {
            "tokens": list_tokens(database(request), principal.user_id),
            "new_token": new_token,
            "error": error,
        },
        status_code=status,
    )


@router.get("/settings")
def settings_page(request: Request, principal: PagePrincipal) -> Response:
    return _settings_page(request, principal)


@router.post("/settings/language")
def choose_language(request: Request, principal: PagePrincipal, form: Form) -> Response:
    locale = forms.text(form, "locale", limit=10)
    if locale in LOCALES:
        with database(request).write(principal.actor) as unit:
            unit.conn.execute(
                users.update().where(users.c.id == principal.user_id).values(locale=locale)
            )
            unit.audit(
                "user.locale",
                target_type="user",
                target_id=principal.user_id,
                detail={"locale": locale},
            )
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
        return _settings_page(request, principal, error=str(error), status=400)
    return _settings_page(request, principal, new_token=token)


@router.post("/settings/tokens/{token_id}/revoke")
def drop_token(request: Request, principal: PagePrincipal, token_id: str, form: Form) -> Response:
    revoke_token(database(request), principal.user_id, token_id, principal.actor)
    return RedirectResponse("/settings", 303)
