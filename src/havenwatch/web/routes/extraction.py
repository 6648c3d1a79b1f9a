"""Administration: the extractor measured on the installation's own reviewed leads.

A thin page over `havenwatch.monitor.reviewed.reviewed_evaluation`, the figures of
`havenwatch eval --reviewed`: precision and recall per event type, the accuracy of each field,
events read in reports the reviewers found irrelevant, and how many subject names they
corrected. Only counts and rates reach the page; no name leaves the service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.monitor.reviewed import reviewed_evaluation
from havenwatch.web.deps import database, need
from havenwatch.web.i18n import N_
from havenwatch.web.rendering import render

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Capability.MANAGE_USERS))]
FIELD_LABELS = {
    "date": N_("Date"),
    "authority": N_("Authority"),
    "grounds": N_("Grounds"),
    "deadline_days": N_("Days to act"),
    "subject.nationality": N_("Nationality"),
    "subject.age": N_("Age"),
}


@router.get("/admin/extraction")
def extraction_page(request: Request, principal: Admin) -> Response:
    scored = reviewed_evaluation(database(request))
    return render(request, "extraction.html", {"scored": scored, "field_labels": FIELD_LABELS})
