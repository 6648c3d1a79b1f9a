"""The review queue: leads from news monitoring, accepted, merged or rejected by a caseworker."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.cases.case_files import CaseFilter, get_case, list_cases
from havenwatch.cases.events import list_events
from havenwatch.cases.people import get_person
from havenwatch.cases.sources import get_source
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.highlight import highlight
from havenwatch.web.i18n import explain
from havenwatch.web.rendering import PageNumber, pager, render

router = APIRouter()
Reviewer = Annotated[Principal, Depends(need(Capability.REVIEW_LEADS))]
STATUSES = ("new", "accepted", "merged", "rejected")


@router.get("/leads")
def leads_list(request: Request, principal: Reviewer, page: PageNumber = 1) -> Response:
    from havenwatch.monitor.leads import count_leads, list_leads

    db = database(request)
    status = request.query_params.get("status", "new")
    status = status if status in STATUSES else "new"
    pages = pager(request, count_leads(db, status=status, team_ids=principal.team_ids), page)
    found = list_leads(
        db, status=status, team_ids=principal.team_ids, limit=pages.size, offset=pages.offset
    )
    return render(
        request,
        "leads.html",
        {"leads": found, "pager": pages, "status": status, "statuses": STATUSES},
    )


def lead_context(request: Request, principal: Principal, lead_id: str) -> dict[str, Any]:
    from havenwatch.monitor.leads import get_lead

    db = database(request)
    lead = get_lead(db, lead_id, team_ids=principal.team_ids)
    texts = []
    for item in lead.sources:
        source = get_source(db, item.id)
        texts.append((item, highlight(source.text, lead.evidence)))
    candidate_case = candidate_person = None
    timeline: list[Any] = []
    if lead.candidate_case_id:
        try:
            candidate_case = get_case(db, lead.candidate_case_id, team_ids=principal.team_ids)
            timeline = list_events(db, lead.candidate_case_id, team_ids=principal.team_ids)
        except NotFoundError:
            candidate_case = None
    if lead.candidate_person_id:
        try:
            candidate_person = get_person(
                db, lead.candidate_person_id, actor=principal.actor, team_ids=principal.team_ids
            )
        except NotFoundError:
            candidate_person = None
    open_cases = list_cases(db, CaseFilter(status="open", team_ids=principal.team_ids), limit=200)
    return {
        "lead": lead,
        "texts": texts,
        "candidate_case": candidate_case,
        "candidate_person": candidate_person,
        "timeline": timeline,
        "open_cases": open_cases,
        "error": None,
    }


@router.get("/leads/{lead_id}")
def lead_page(request: Request, principal: Reviewer, lead_id: str) -> Response:
    return render(request, "lead.html", lead_context(request, principal, lead_id))


def _decided(request: Request, principal: Principal, lead_id: str, action: Any) -> Response:
    try:
        action()
    except NotFoundError:
        raise
    except HavenwatchError as error:
        context = lead_context(request, principal, lead_id)
        return render(request, "lead.html", {**context, "error": explain(error)}, status_code=400)
    return RedirectResponse(f"/leads/{lead_id}", 303)


@router.post("/leads/{lead_id}/accept")
def accept(request: Request, principal: Reviewer, lead_id: str, form: Form) -> Response:
    from havenwatch.monitor.leads import accept_lead, get_lead

    db = database(request)
    get_lead(db, lead_id, team_ids=principal.team_ids)
    case_id = forms.text(form, "case_id", limit=40)
    if case_id:
        get_case(db, case_id, team_ids=principal.team_ids)
    pseudonym = forms.text(form, "pseudonym", limit=200)
    return _decided(
        request,
        principal,
        lead_id,
        lambda: accept_lead(
            db,
            lead_id,
            principal.actor,
            case_id=case_id,
            pseudonym=pseudonym,
            team=principal.team,
            team_ids=principal.team_ids,
        ),
    )


@router.post("/leads/{lead_id}/merge")
def merge(request: Request, principal: Reviewer, lead_id: str, form: Form) -> Response:
    from havenwatch.monitor.leads import get_lead, merge_lead

    db = database(request)
    get_lead(db, lead_id, team_ids=principal.team_ids)
    event_id = forms.text(form, "event_id", limit=40) or ""
    case_id = forms.text(form, "case_id", limit=40) or ""
    timeline = list_events(db, case_id, team_ids=principal.team_ids) if case_id else []
    if event_id not in {event.id for event in timeline}:
        raise NotFoundError(f"no event {event_id}")
    return _decided(
        request,
        principal,
        lead_id,
        lambda: merge_lead(db, lead_id, event_id, principal.actor, team_ids=principal.team_ids),
    )


@router.post("/leads/{lead_id}/reject")
def reject(request: Request, principal: Reviewer, lead_id: str, form: Form) -> Response:
    from havenwatch.monitor.leads import get_lead, reject_lead

    db = database(request)
    get_lead(db, lead_id, team_ids=principal.team_ids)
    reason = forms.text(form, "reason", limit=1000) or ""
    return _decided(
        request,
        principal,
        lead_id,
        lambda: reject_lead(db, lead_id, principal.actor, reason, team_ids=principal.team_ids),
    )
