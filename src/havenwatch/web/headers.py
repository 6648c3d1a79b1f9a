"""Response hardening and the same-origin guard, as plain ASGI middleware.

Every response gets the security headers; everything but static assets is `no-store`, since
almost every page carries case data, unless its route chose a `private` (browser-only) cache
itself (the case timeline image, `web.routes.case_chart`, named by a hash of what it shows).
State-changing requests from another site are refused before they reach a route
(`Sec-Fetch-Site`, then `Origin`), in addition to the per-form CSRF token; API calls
authenticated by a Bearer token carry no ambient credential and are exempt.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
STATIC_PREFIX = "/static/"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if static:
                    headers["cache-control"] = "private, max-age=3600"
                elif not headers.get("cache-control", "").startswith("private"):
                    headers["cache-control"] = "no-store"
                for banner in ("server", "x-powered-by"):
                    if banner in headers:
                        del headers[banner]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _own_origin(scope: Scope, headers: Headers) -> str:
    return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"


def is_cross_site(scope: Scope) -> bool:
    """Refuse what the browser says came from another site.

    `Sec-Fetch-Site` is decisive when present. Without it, a foreign `Origin` is refused;
    `Origin: null` (sent under `Referrer-Policy: no-referrer`) proves nothing either way and is
    left to the form's CSRF token.
    """
    headers = Headers(scope=scope)
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ALLOWED_FETCH_SITES
    origin = headers.get("origin")
    return origin not in (None, "null") and origin != _own_origin(scope, headers)


class SameOriginGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            bearer = headers.get("authorization", "").lower().startswith("bearer ")
            if not bearer and is_cross_site(scope):
                response = PlainTextResponse("Cross-site request refused.", status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
