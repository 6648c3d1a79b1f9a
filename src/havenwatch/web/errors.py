"""Error responses that reveal nothing: no traceback, no locals, never the input echoed."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from havenwatch.access.permissions import Forbidden
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.web.deps import CsrfRejected
from havenwatch.web.i18n import N_
from havenwatch.web.principal import LoginRequired, SecondFactorRequired
from havenwatch.web.rendering import render

API_PREFIX = "/api/"
# Library messages quote the offending value (`unknown value 'xyz'`) for the CLI and imports;
# the API answers with the message and field but never with what was sent.
QUOTED_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
MESSAGES = {
    400: (
        N_("Bad request"),
        N_("The request could not be understood. Check the form and try again."),
    ),
    403: (N_("Not allowed"), N_("Your role does not allow this page or action.")),
    404: (N_("Not found"), N_("There is nothing here, or you do not have access to it.")),
    405: (N_("Not allowed"), N_("This address does not accept that kind of request.")),
    413: (N_("Too large"), N_("The upload is larger than this workspace accepts.")),
    500: (
        N_("Something went wrong"),
        N_(
            "The error was recorded without any of your data. "
            "Try again, or tell your administrator."
        ),
    ),
}


def refusal_without_values(error: Exception) -> str:
    """The error's one-line message with every quoted value replaced by an ellipsis."""
    return QUOTED_VALUE.sub("…", " ".join(str(error).split()))[:300]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_response(request: Request, status: int) -> Response:
    title, text = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    if _is_api(request):
        return JSONResponse({"detail": title}, status_code=status)
    return render(
        request, "error.html", {"title": title, "text": text, "status": status}, status_code=status
    )


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def login_required(request: Request, _error: Exception) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "authentication required"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        target = _safe_next(request.url.path)
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(SecondFactorRequired)
    def second_factor(request: Request, _error: Exception) -> Response:
        return RedirectResponse("/login/totp", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, _error: Exception) -> Response:
        return error_response(request, 403)

    @app.exception_handler(CsrfRejected)
    def csrf_rejected(request: Request, _error: Exception) -> Response:
        return error_response(request, 403)

    @app.exception_handler(HavenwatchError)
    def refused(request: Request, error: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": refusal_without_values(error)}, status_code=400)
        return error_response(request, 400)

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, _error: Exception) -> Response:
        return error_response(request, 404)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, StarletteHTTPException) else 500
        return error_response(request, status)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: Exception) -> Response:
        if _is_api(request) and isinstance(error, RequestValidationError):
            fields = [".".join(str(part) for part in item["loc"]) for item in error.errors()]
            return JSONResponse({"detail": "invalid request", "fields": fields}, status_code=422)
        return error_response(request, 400)

    @app.exception_handler(Exception)
    def server_error(request: Request, _error: Exception) -> Response:
        return error_response(request, 500)
