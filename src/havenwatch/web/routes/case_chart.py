"""A case's timeline chart as its own PNG, so the case page never waits for matplotlib.

The case page lists the chart's dates in a table and links this image with
`?v=<digest>`, the hash of everything drawn (`reports.timeline.TimelineChart.digest`: the
case's events and deadlines, and the user's language). Same readers and team scope as the
page; another team's case is a 404. The PNG is drawn once per state and language in each
server process (`reports.charts.timeline_png`), and the browser keeps it: the digest is the
ETag (a conditional request gets a 304 without drawing), and a link naming the current digest
may be reused for an hour without asking (`Cache-Control: private`, never a shared cache).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_view import case_timeline
from havenwatch.core.clock import today
from havenwatch.reports.charts import timeline_png
from havenwatch.web.deps import database, need
from havenwatch.web.rendering import localise
from havenwatch.web.routes.cases import timeline_chart

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]
FRESH = "private, max-age=3600"
REVALIDATE = "private, no-cache"


@router.get("/cases/{case_id}/timeline.png")
def timeline_image(request: Request, principal: Reader, case_id: str) -> Response:
    localise(request)
    found = case_timeline(
        database(request),
        Scope.of(principal),
        case_id,
        today=today(),
        locale=principal.locale,
    )
    chart = timeline_chart(found.events, found.plan)
    if chart is None:
        raise HTTPException(404)
    etag = f'"{chart.digest}"'
    headers = {
        "ETag": etag,
        "Cache-Control": FRESH if request.query_params.get("v") == chart.digest else REVALIDATE,
        "Vary": "Cookie",
    }
    asked = request.headers.get("if-none-match", "")
    if etag in (tag.strip().removeprefix("W/") for tag in asked.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(timeline_png(chart), media_type="image/png", headers=headers)
