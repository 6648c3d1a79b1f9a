"""The last line of defence: an unexpected error becomes a bare 500 page, logged by type only.

Exception text can carry what a user typed (a name, an address); the log therefore records
the exception's class and the route, never its message or a traceback with locals.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from havenwatch.web.errors import error_response

LOG = logging.getLogger("havenwatch.web")


class ErrorShield:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            route = scope.get("route")
            LOG.error("unhandled %s on %s", type(error).__name__, getattr(route, "path", "?"))
            if started:
                raise RuntimeError("response failed after it started") from None
            response = error_response(Request(scope, receive), 500)
            await response(scope, receive, send)


class RefuseNul:
    """Refuses a URL whose path or query holds a NUL: no text in havenwatch may contain one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await error_response(Request(scope, receive), 400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    query = unquote_to_bytes(scope.get("query_string", b""))
    return "\x00" in scope.get("path", "") or b"\x00" in query
