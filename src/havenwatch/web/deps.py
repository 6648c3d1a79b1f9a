"""Request dependencies: the signed-in principal, capability checks and CSRF-checked forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from havenwatch.access.api_tokens import user_for_token
from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.principals import SignedIn, load_principal, load_signed_in
from havenwatch.access.sessions import Session, csrf_matches
from havenwatch.core.errors import HavenwatchError
from havenwatch.store.database import Database
from havenwatch.web.i18n import activate
from havenwatch.web.principal import LoginRequired, SecondFactorRequired

SESSION_COOKIE = "hw_session"
SECURE_SESSION_COOKIE = "__Host-hw_session"
MAX_FORM_FIELDS = 300
MAX_FORM_FILES = 4


class CsrfRejected(HavenwatchError):
    """A form arrived without this session's CSRF token."""


def database(request: Request) -> Database:
    db = request.app.state.db
    assert isinstance(db, Database)
    return db


def cookie_name(request: Request) -> str:
    return SECURE_SESSION_COOKIE if request.url.scheme == "https" else SESSION_COOKIE


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


def signed_in(request: Request) -> SignedIn | None:
    """The request's live session and its user (read once, cached on the request).

    The session is also kept as `request.state.session`, where pages find their CSRF token.
    """
    if not hasattr(request.state, "signed_in"):
        found = load_signed_in(database(request), session_token(request))
        request.state.signed_in = found
        request.state.session = found.session if found else None
    found = request.state.signed_in
    return found if isinstance(found, SignedIn) else None


def current_session(request: Request) -> Session | None:
    """The request's live session."""
    found = signed_in(request)
    return found.session if found else None


def session_principal(request: Request) -> Principal | None:
    """The active user of the request's live session, whether or not the second factor is done."""
    found = signed_in(request)
    return found.principal if found else None


def page_principal(request: Request) -> Principal:
    """The signed-in user for a page; activates their language."""
    session = current_session(request)
    if session is None:
        raise LoginRequired
    if not session.second_factor_done:
        raise SecondFactorRequired
    principal = session_principal(request)
    if principal is None:
        raise LoginRequired
    request.state.principal = principal
    activate(principal.locale)
    return principal


def api_principal(request: Request) -> Principal:
    """The owner of the Bearer token; the API never reads the session cookie."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user_id = (
        user_for_token(database(request), token.strip()) if scheme.lower() == "bearer" else None
    )
    principal = load_principal(database(request), user_id) if user_id else None
    if principal is None:
        raise LoginRequired
    request.state.principal = principal
    return principal


def need(capability: Capability) -> Callable[[Principal], Principal]:
    """A page dependency that also checks the user's role allows `capability`."""

    def check(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
        principal.require(capability)
        return principal

    return check


def api_need(capability: Capability) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        principal.require(capability)
        return principal

    return check


class NulInForm(HavenwatchError):
    """A form field holds a NUL character, which no text in havenwatch may contain."""


async def read_form(request: Request, *, max_files: int, max_fields: int) -> FormData:
    """The request's form, refused whole when a field holds a NUL (PostgreSQL rejects them)."""
    form = await request.form(max_files=max_files, max_fields=max_fields)
    if any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
        raise NulInForm("a form field contains a NUL character")
    return form


async def posted_form(
    request: Request, principal: Annotated[Principal, Depends(page_principal)]
) -> FormData:
    """The submitted form, once its CSRF token matches the session's."""
    form = await read_form(request, max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)
    session = current_session(request)
    submitted = form.get("csrf_token")
    if session is None or not csrf_matches(
        session, submitted if isinstance(submitted, str) else None
    ):
        raise CsrfRejected("the form has expired; reload the page and submit again")
    return form


async def anonymous_form(request: Request) -> FormData:
    """A form sent before login (the login form itself); guarded by the same-origin check."""
    return await read_form(request, max_files=0, max_fields=20)


PagePrincipal = Annotated[Principal, Depends(page_principal)]
ApiPrincipal = Annotated[Principal, Depends(api_principal)]
Form = Annotated[FormData, Depends(posted_form)]
