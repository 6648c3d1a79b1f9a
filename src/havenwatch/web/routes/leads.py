"""The review queue: leads from news monitoring, accepted, merged or rejected by a caseworker."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import CaseFilter, get_case, list_cases
from havenwatch.cases.events import list_events
from havenwatch.cases.people import get_person
from havenwatch.cases.sources import get_source
from havenwatch.core.errors import HavenwatchError, NotFoundError, ValidationError
from havenwatch.monitor.leads import Target, get_lead, reject_lead
from havenwatch.monitor.review import accept_reviewed, merge_reviewed, reject_leads
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.highlight import highlight
from havenwatch.web.i18n import current, explain
from havenwatch.web.rendering import PageNumber, localise, render
from havenwatch.web.triage import (
    decision_links,
    posted_correction,
    safe_query,
    shown,
    triage_page,
)

router = APIRouter()
Reviewer = Annotated[Principal, Depends(need(Capability.REVIEW_LEADS))]


@router.get("/leads")
def leads_list(request: Request, principal: Reviewer, page: PageNumber = 1) -> Response:
    return triage_page(request, principal, page, error=None)


def lead_context(request: Request, principal: Principal, lead_id: str) -> dict[str, Any]:
    db = database(request)
    lead = get_lead(db, lead_id, scope=Scope.of(principal))
    texts = []
    for item in lead.sources:
        source = get_source(db, item.id, scope=Scope.of(principal))
        texts.append((item, highlight(source.text, lead.evidence)))
    candidate_case = candidate_person = None
    timeline: list[Any] = []
    if lead.candidate_case_id:
        try:
            candidate_case = get_case(db, lead.candidate_case_id, scope=Scope.of(principal))
            timeline = list_events(db, lead.candidate_case_id, scope=Scope.of(principal))
        except NotFoundError:
            candidate_case = None
    if lead.candidate_person_id:
        try:
            candidate_person = get_person(
                db, lead.candidate_person_id, actor=principal.actor, scope=Scope.of(principal)
            )
        except NotFoundError:
            candidate_person = None
    open_cases = list_cases(
        db,
        CaseFilter(status="open"),
        limit=200,
        scope=Scope.of(principal),
    )
    return {
        "lead": lead,
        "texts": texts,
        "candidate_case": candidate_case,
        "candidate_person": candidate_person,
        "timeline": timeline,
        "open_cases": open_cases,
        "error": None,
        **decision_links(db, principal, lead),
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
    db = database(request)
    lead = get_lead(db, lead_id, scope=Scope.of(principal))
    case_id = forms.text(form, "case_id", limit=40)
    pseudonym = forms.text(form, "pseudonym", limit=200)
    target = Target(None, case_id, pseudonym, principal.team, Scope.of(principal))

    def decide() -> None:
        localise(request)
        try:
            correction = posted_correction(form, lead, principal)
            accept_reviewed(
                db,
                lead_id,
                principal.actor,
                correction,
                target=target,
                scope=Scope.of(principal),
                language=current().locale,
            )
        except ValidationError as error:
            raise shown(error) from error

    return _decided(request, principal, lead_id, decide)


@router.post("/leads/{lead_id}/merge")
def merge(request: Request, principal: Reviewer, lead_id: str, form: Form) -> Response:
    db = database(request)
    event_id = forms.text(form, "event_id", limit=40) or ""
    case_id = forms.text(form, "case_id", limit=40) or ""
    timeline = list_events(db, case_id, scope=Scope.of(principal)) if case_id else []
    if event_id not in {event.id for event in timeline}:
        raise NotFoundError(f"no event {event_id}")
    return _decided(
        request,
        principal,
        lead_id,
        lambda: merge_reviewed(db, lead_id, event_id, principal.actor, scope=Scope.of(principal)),
    )


@router.post("/leads/{lead_id}/reject")
def reject(request: Request, principal: Reviewer, lead_id: str, form: Form) -> Response:
    db = database(request)
    reason = forms.text(form, "reason", limit=1000) or ""
    return _decided(
        request,
        principal,
        lead_id,
        lambda: reject_lead(db, lead_id, principal.actor, reason, scope=Scope.of(principal)),
    )


@router.post("/leads/bulk-reject")
def bulk_reject(request: Request, principal: Reviewer, form: Form) -> Response:
    """Reject the leads ticked in the list, with one reason; any one out of reach: a 404."""
    chosen = [value for value in form.getlist("lead_id") if isinstance(value, str)][:200]
    try:
        reason = forms.text(form, "reason", limit=1000) or ""
        reject_leads(database(request), chosen, principal.actor, reason, scope=Scope.of(principal))
    except NotFoundError:
        raise
    except HavenwatchError as error:
        return triage_page(request, principal, 1, error=error)
    back = forms.text(form, "back", limit=2000) or ""
    return RedirectResponse(f"/leads?{safe_query(back)}", 303)
