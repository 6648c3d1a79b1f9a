"""Administration: users (add, role, team, deactivate, end sessions), settings, audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    WeakPassword,
    add_user,
    change_user,
    get_user,
    list_users,
)
from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.access.sessions import revoke_user_sessions
from havenwatch.access.teams import list_team_names
from havenwatch.access.totp import admins_must_use_totp, set_admins_must_use_totp
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.operations.audit_trail import count_entries, list_entries
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import N_, _
from havenwatch.web.rendering import PageNumber, localise, pager, render

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Capability.MANAGE_USERS))]
Auditor = Annotated[Principal, Depends(need(Capability.VIEW_AUDIT))]
PASSWORD_RULES = {
    "length": N_("Use a password of at least %(count)d characters."),
    "common": N_("This password is one of the most common ones. Choose another."),
    "name": N_("The password must not contain the user name."),
}


def _team_names(request: Request) -> list[str]:
    return list_team_names(database(request))


def _users_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    db = database(request)
    return render(
        request,
        "users.html",
        {
            "users": list_users(db),
            "roles": ROLES,
            "teams": _team_names(request),
            "error": error,
            "require_totp": admins_must_use_totp(db),
        },
        status_code=status,
    )


@router.get("/admin/users")
def users_page(request: Request, principal: Admin) -> Response:
    return _users_page(request)


@router.post("/admin/users")
def create_user(request: Request, principal: Admin, form: Form) -> Response:
    try:
        add_user(
            database(request),
            forms.required(form, "username", limit=120),
            forms.required(form, "password", limit=1024),
            forms.text(form, "role") or "",
            forms.required(form, "team", limit=120),
            principal.actor,
        )
    except WeakPassword as weak:
        localise(request)
        message = _(PASSWORD_RULES[weak.rule]) % {"count": MIN_PASSWORD_LENGTH}
        return _users_page(request, message, 400)
    except HavenwatchError as error:
        return _users_page(request, str(error), 400)
    return RedirectResponse("/admin/users", 303)


@router.post("/admin/users/{user_id}")
def update_user(request: Request, principal: Admin, user_id: str, form: Form) -> Response:
    db = database(request)
    user = get_user(db, user_id)
    role = forms.text(form, "role") or user.role
    active = form.get("active") == "1"
    try:
        if user_id == principal.user_id and (role != "admin" or not active):
            raise ValidationError("role", "you cannot demote or deactivate yourself")
        team = forms.required(form, "team", limit=120)
        team_id = change_user(
            db, user_id, role=role, team=team, active=active, actor=principal.actor
        )
    except HavenwatchError as error:
        return _users_page(request, str(error), 400)
    if not active or role != user.role or team_id != user.team_id:
        revoke_user_sessions(db, user_id, principal.actor)
    return RedirectResponse("/admin/users", 303)


@router.post("/admin/users/{user_id}/revoke")
def revoke_sessions(request: Request, principal: Admin, user_id: str, form: Form) -> Response:
    db = database(request)
    get_user(db, user_id)
    revoke_user_sessions(db, user_id, principal.actor)
    return RedirectResponse("/admin/users", 303)


@router.post("/admin/settings")
def instance_settings(request: Request, principal: Admin, form: Form) -> Response:
    set_admins_must_use_totp(
        database(request), form.get("require_admin_totp") == "1", principal.actor
    )
    return RedirectResponse("/admin/users", 303)


@router.get("/admin/audit")
def audit_page(request: Request, principal: Auditor, page: PageNumber = 1) -> Response:
    db = database(request)
    actor = (request.query_params.get("actor") or "").strip()[:120] or None
    case_id = (request.query_params.get("case") or "").strip()[:40] or None
    pages = pager(
        request, count_entries(db, actor=actor, case_id=case_id, scope=Scope.of(principal)), page
    )
    entries = list_entries(
        db,
        actor=actor,
        case_id=case_id,
        limit=pages.size,
        offset=pages.offset,
        scope=Scope.of(principal),
    )
    return render(
        request,
        "audit.html",
        {"entries": entries, "pager": pages, "actor": actor or "", "case_id": case_id or ""},
    )
