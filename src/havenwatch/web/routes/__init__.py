"""The page routers, in the order they are mounted."""

from __future__ import annotations

from havenwatch.web.routes import (
    account,
    admin,
    auth,
    calendar,
    cases,
    dashboard,
    documents,
    events,
    leads,
    people,
    search,
    sources,
    steps,
    transfer,
)

PAGE_ROUTERS = [
    auth.router,
    dashboard.router,
    cases.router,
    events.router,
    steps.router,
    documents.router,
    people.router,
    sources.router,
    search.router,
    leads.router,
    transfer.router,
    admin.router,
    account.router,
    calendar.router,
]
