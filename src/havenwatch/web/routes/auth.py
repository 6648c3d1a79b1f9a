"""Login, the second factor, and logout."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from havenwatch.access.accounts import mark_visit
from havenwatch.access.permissions import Principal
from havenwatch.access.sessions import (
    Session,
    complete_second_factor,
    create_session,
    csrf_matches,
    revoke_session,
)
from havenwatch.access.throttle import code_succeeded, reserve_code_check
from havenwatch.access.totp import enrol, new_secret, provisioning_uri, user_secret, verify_code
from havenwatch.web import forms
from havenwatch.web.deps import (
    CsrfRejected,
    anonymous_form,
    cookie_name,
    current_session,
    database,
    posted_form,
    read_form,
    session_principal,
)
from havenwatch.web.i18n import LOCALES, N_, _, activate, normalise_locale
from havenwatch.web.login_flow import LoginResult, Outcome, check_password, reserve_login
from havenwatch.web.principal import LoginRequired
from havenwatch.web.rendering import render

router = APIRouter()
SAFE_NEXT = re.compile(r"(/([a-z][a-z._-]*|[0-9a-f]{32}))+/?")
LANGUAGE_COOKIE = "hw_lang"
REFUSED = N_("Wrong username or password.")
THROTTLED = N_("Too many failed attempts. Wait 15 minutes, then try again.")
WRONG_CODE = N_("That code is not valid. Use the current code from your app.")
CODES_SPENT = N_("Too many wrong codes. Sign in again with your password.")
CODES_LOCKED = N_("Too many wrong codes for this account. Wait an hour, then try again.")


def _safe_next(value: str | None) -> str:
    """A page of this app to return to: lower-case words and record ids only, never echoing
    anything else a user might have typed into an address."""
    return value if value and SAFE_NEXT.fullmatch(value) else "/"


def _login_locale(request: Request) -> str:
    chosen = request.query_params.get("lang")
    return normalise_locale(chosen if chosen in LOCALES else request.cookies.get(LANGUAGE_COOKIE))


def _login_page(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    locale = _login_locale(request)
    activate(locale)
    response = render(
        request,
        "login.html",
        {
            "error": _(error) if error else None,
            "next": _safe_next(request.query_params.get("next")),
            "locale": locale,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request, form: Annotated[FormData, Depends(anonymous_form)]) -> Response:
    """Count the attempt, wait the address's delay (without holding a thread), then check."""
    db = database(request)
    username = forms.text(form, "username", limit=200) or ""
    password = form.get("password")
    address = request.client.host if request.client else "unknown"
    gate = await run_in_threadpool(reserve_login, db, db.require_keyring(), username, address)
    if gate.delay and not gate.throttled:
        await asyncio.sleep(gate.delay)
    result = await run_in_threadpool(
        check_password, db, gate, username, password if isinstance(password, str) else ""
    )
    return await run_in_threadpool(_login_answer, request, form, username, result)


def _login_answer(request: Request, form: FormData, username: str, result: LoginResult) -> Response:
    db = database(request)
    if result.outcome is Outcome.THROTTLED:
        return _login_page(request, error=THROTTLED, status=429)
    if result.outcome is Outcome.REFUSED or result.user_id is None:
        return _login_page(request, error=REFUSED, status=400)
    old = current_session(request)
    if old is not None:
        revoke_session(db, old.token_hash, "login")
    token, _session = create_session(
        db, result.user_id, second_factor_done=not result.needs_second_factor, actor="login"
    )
    mark_visit(db, result.user_id)
    with db.write(f"user:{username}") as unit:
        unit.audit("login.success", target_type="user", target_id=result.user_id)
    target = _safe_next(forms.text(form, "next", limit=500))
    response = RedirectResponse("/login/totp" if result.needs_second_factor else target, 303)
    response.set_cookie(
        cookie_name(request),
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


def pending_session(request: Request) -> tuple[Session, Principal]:
    """A session whose password step is done; the second factor may still be missing."""
    session = current_session(request)
    principal = session_principal(request)
    if session is None or principal is None:
        raise LoginRequired
    request.state.principal = principal
    activate(principal.locale)
    return session, principal


@router.get("/login/totp")
def totp_page(request: Request) -> Response:
    session, principal = pending_session(request)
    if session.second_factor_done:
        return RedirectResponse("/", 303)
    db = database(request)
    enrolling = user_secret(db, db.require_keyring(), principal.user_id) is None
    secret = new_secret() if enrolling else None
    return render(
        request,
        "totp.html",
        {
            "enrolling": enrolling,
            "secret": secret,
            "error": None,
            "uri": provisioning_uri(secret, principal.username) if secret else None,
            "csrf_token": session.csrf_token,
        },
    )


async def _pending_form(request: Request) -> FormData:
    form = await read_form(request, max_files=0, max_fields=10)
    session = current_session(request)
    submitted = form.get("csrf_token")
    if session is None or not csrf_matches(
        session, submitted if isinstance(submitted, str) else None
    ):
        raise CsrfRejected("the form has expired")
    return form


@router.post("/login/totp")
def totp_check(request: Request, form: Annotated[FormData, Depends(_pending_form)]) -> Response:
    """Check a code, counted per user and per pending session before it is compared."""
    session, principal = pending_session(request)
    db = database(request)
    keyring = db.require_keyring()
    secret = user_secret(db, keyring, principal.user_id)
    enrolling = secret is None
    if enrolling:
        secret = forms.text(form, "secret", limit=64) or ""
    code = forms.text(form, "code", limit=12) or ""
    gate = reserve_code_check(db, keyring, principal.user_id, session.token_hash)
    if gate.may_check and secret and verify_code(db, keyring, principal.user_id, secret, code):
        code_succeeded(db, gate)
        if enrolling:
            enrol(db, keyring, principal.user_id, secret, principal.actor)
        complete_second_factor(db, session.token_hash, principal.actor)
        return RedirectResponse("/", 303)
    with db.write(principal.actor) as unit:
        unit.audit(
            "login.totp_failed",
            target_type="user",
            target_id=principal.user_id,
            detail={"pending_session_revoked": gate.session_spent, "locked": gate.user_locked},
        )
    if gate.session_spent:
        revoke_session(db, session.token_hash, principal.actor)
        return _signed_out(_login_page(request, error=CODES_SPENT, status=429), request)
    error = CODES_LOCKED if gate.user_locked else WRONG_CODE
    return render(
        request,
        "totp.html",
        {
            "enrolling": enrolling,
            "secret": secret if enrolling else None,
            "uri": provisioning_uri(secret, principal.username) if enrolling and secret else None,
            "error": _(error),
            "csrf_token": session.csrf_token,
        },
        status_code=429 if gate.user_locked else 400,
    )


def _signed_out(response: Response, request: Request) -> Response:
    """The response with the session cookie removed."""
    response.delete_cookie(
        cookie_name(request),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, _form: Annotated[FormData, Depends(posted_form)]) -> Response:
    db = database(request)
    session = current_session(request)
    if session is not None:
        revoke_session(db, session.token_hash, "logout")
    response = _signed_out(RedirectResponse("/login", 303), request)
    response.headers["clear-site-data"] = '"cache", "cookies", "storage"'
    return response
