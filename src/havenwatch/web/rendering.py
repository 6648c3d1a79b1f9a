"""Rendering pages: one autoescaping Jinja2 environment, translated through the catalogs."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from havenwatch.access.permissions import Capability, Principal
from havenwatch.web.i18n import LOCALES, activate, current
from havenwatch.web.labels import choices, label

PAGE_SIZE = 50
COUNT_AHEAD = 500
# Far past any real list (5 million rows at PAGE_SIZE), and an offset every database takes:
# `?page=99999999999999999999` is a 400, not an integer SQLite cannot bind.
MAX_PAGE = 100_000
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def template_environment() -> Environment:
    """Templates are compiled once per process; they are part of the package, not edited live."""
    folder = resources.files("havenwatch.web").joinpath("templates")
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: current().gettext(message),
        ngettext=lambda singular, plural, n: current().ngettext(singular, plural, n),
        newstyle=True,
    )
    return env


@dataclass(frozen=True)
class Pager:
    """One page of a list, with links that keep the request's other query parameters."""

    number: int
    size: int
    total: int
    base_query: tuple[tuple[str, str], ...]
    exact: bool = True
    next_cursor: str | None = None

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def link(self, number: int) -> str:
        return "?" + urlencode([*self.base_query, ("page", str(number))])

    def next_link(self) -> str:
        """The next page: from the cursor where this one ends, when the list gives one."""
        if self.next_cursor is None:
            return self.link(self.number + 1)
        following = [("page", str(self.number + 1)), ("after", self.next_cursor)]
        return "?" + urlencode([*self.base_query, *following])


def pager(
    request: Request,
    total: int,
    number: int,
    size: int = PAGE_SIZE,
    *,
    exact: bool = True,
    next_cursor: str | None = None,
) -> Pager:
    """Page `number` of `total` items; `exact=False` when counting stopped at `total`.

    ``next_cursor``: where the next page starts in a list walked by keyset (`after=`); links
    to other pages count from the start.
    """
    params = request.query_params.multi_items()
    kept = tuple((key, value) for key, value in params if key not in ("page", "after"))
    last = max(1, -(-total // size))
    return Pager(min(max(1, number), last), size, total, kept, exact, next_cursor)


def counting_limit(number: int, size: int = PAGE_SIZE, ahead: int = COUNT_AHEAD) -> int:
    """Where to stop counting for page `number`: `ahead` items past its start, plus one.

    Counting every match of a broad filter over 100,000 cases costs more than the page;
    past that limit the list says "more than" and still links to the next page.
    """
    return (max(1, number) - 1) * size + ahead + 1


def principal_of(request: Request) -> Principal | None:
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else None


def localise(request: Request) -> None:
    """Use the signed-in user's language in this thread.

    Sync dependencies and the route body run in different worker threads, so the language
    chosen while resolving the user is set again where the page is built.
    """
    principal = principal_of(request)
    if principal is not None:
        activate(principal.locale)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    localise(request)
    session = getattr(request.state, "session", None)
    base = {
        "request": request,
        "principal": principal_of(request),
        "csrf_token": getattr(session, "csrf_token", ""),
        "t": current(),
        "label": label,
        "choices": choices,
        "locales": LOCALES,
        "Capability": Capability,
        "path": request.url.path,
    }
    env: Environment = request.app.state.templates
    html = env.get_template(template).render({**base, **(context or {})})
    return HTMLResponse(html, status_code=status_code)
