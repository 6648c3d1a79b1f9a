"""The page routers, in the order they are mounted."""

from __future__ import annotations

from havenwatch.web.routes import (
    account,
    admin,
    auth,
    calendar,
    case_chart,
    cases,
    dashboard,
    documents,
    events,
    extraction,
    feeds,
    fields,
    leads,
    people,
    public_report,
    search,
    sources,
    statistics,
    steps,
    transfer,
)

PAGE_ROUTERS = [
    auth.router,
    dashboard.router,
    cases.router,
    case_chart.router,
    events.router,
    steps.router,
    documents.router,
    people.router,
    sources.router,
    search.router,
    statistics.router,
    public_report.router,
    leads.router,
    transfer.router,
    admin.router,
    feeds.router,
    fields.router,
    extraction.router,
    account.router,
    calendar.router,
]
