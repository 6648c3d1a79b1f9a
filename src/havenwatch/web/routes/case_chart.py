"""A case's timeline chart as its own PNG, so the case page never waits for matplotlib.

The case page lists the chart's dates in a table and links this image with
`?v=<digest>`, the hash of everything drawn (`reports.timeline.TimelineChart.digest`: the
case's events and deadlines, and the user's language). Same readers and team scope as the
page; another team's case is a 404. The PNG is drawn once per state and language in each
server process (`reports.charts.timeline_png`); the digest is the ETag, so a conditional
request gets a 304 without drawing. Like every page that shows case data it is `no-store`
(`web.headers`): the chart names a person's measures and dates, and a browser's disk cache
outlives the session on a shared or seized computer. Drawing it again is the server's cached
PNG, a few milliseconds.
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
    headers = {"ETag": etag}
    asked = request.headers.get("if-none-match", "")
    if etag in (tag.strip().removeprefix("W/") for tag in asked.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(timeline_png(chart), media_type="image/png", headers=headers)
