"""The last line of defence: an unexpected error becomes a bare 500 page, logged by type only.

Exception text can carry what a user typed (a name, an address); the log therefore records
the exception's class and the route, never its message or a traceback with locals.
"""

from __future__ import annotations

import logging

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
