"""The dashboard: what needs attention today, and the monthly picture.

The monthly picture counts the team's incidents as they are now, unsuppressed: it is shown
only to roles that see the team's cases anyway. Researchers, who do not, are pointed to the
published anonymised releases instead; live counts read before and after one new event
would single that event out (see docs/anonymisation.md).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.step_workflow import due_steps, step_counts
from havenwatch.core.clock import today
from havenwatch.reports.charts import incidents_chart_png
from havenwatch.reports.dashboard import dashboard_counts, notifications
from havenwatch.reports.publication import latest_release
from havenwatch.reports.statistics import MonthlyIncidents, incidents_per_month, latest_incident_day
from havenwatch.web.cache import TimedCache
from havenwatch.web.deps import database, need
from havenwatch.web.i18n import _, current
from havenwatch.web.labels import label
from havenwatch.web.rendering import localise, render

router = APIRouter()
STATISTICS = TimedCache()
DEADLINES = TimedCache(ttl=30.0)
COUNTS = TimedCache(ttl=15.0)
Viewer = Annotated[Principal, Depends(need(Capability.VIEW_STATISTICS))]
CaseReader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]


def monthly(request: Request, principal: Principal) -> MonthlyIncidents:
    db = database(request)
    scope = Scope.of(principal)

    def compute() -> MonthlyIncidents:
        last = latest_incident_day(db, scope, today())
        return incidents_per_month(db, scope=scope, last_day=last)

    return STATISTICS.get(("monthly", id(db), scope), compute, version=db.changes())


def chart_alt(stats: MonthlyIncidents) -> str:
    t = current()
    if not stats.months:
        return ""
    return _("Bar chart of incidents per month from %(first)s to %(last)s: %(total)s in all.") % {
        "first": t.month(stats.months[0]),
        "last": t.month(stats.months[-1]),
        "total": t.number(stats.total),
    }


def _team_picture(request: Request, principal: Principal, day: date) -> dict[str, object]:
    """The live figures of the user's team: for roles that see its cases anyway."""
    db = database(request)
    version = db.changes()
    stats = monthly(request, principal)
    locale = current().locale
    scope = Scope.of(principal)
    return {
        "stats": stats,
        "chart_alt": chart_alt(stats),
        "shown_types": [code for code in stats.types if stats.type_total(code)],
        "counts": COUNTS.get(
            ("counts", id(db), scope, day),
            lambda: dashboard_counts(db, scope, day),
            version,
        ),
        "steps": COUNTS.get(
            ("steps", id(db), scope, day),
            lambda: step_counts(db, scope, day),
            version,
        ),
        "deadlines": DEADLINES.get(
            ("deadlines", id(db), scope, day, locale),
            lambda: due_steps(db, scope, day, limit=20, locale=locale),
            version,
        ),
        "notes": notifications(db, principal.user_id, scope),
    }


@router.get("/")
def dashboard(request: Request, principal: Viewer) -> Response:
    localise(request)
    day = today()
    context: dict[str, object] = {
        "today": day,
        "stats": None,
        "counts": None,
        "steps": None,
        "deadlines": [],
        "notes": None,
    }
    if principal.can(Capability.VIEW_CASES):
        context |= _team_picture(request, principal, day)
    else:
        context["release"] = latest_release(database(request))
    return render(request, "dashboard.html", context)


@router.get("/charts/incidents.png")
def incidents_chart(request: Request, principal: CaseReader) -> Response:
    localise(request)
    stats = monthly(request, principal)
    t = current()
    png = STATISTICS.get(
        ("png", id(database(request)), Scope.of(principal), t.locale),
        lambda: incidents_chart_png(
            stats,
            type_labels={code: label("event_type", code) for code in stats.types},
            month_labels=[t.month(key) for key in stats.months],
            y_label=_("Incidents"),
        ),
        version=stats,
    )
    return Response(png, media_type="image/png")
