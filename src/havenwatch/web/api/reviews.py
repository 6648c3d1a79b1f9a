"""API: the leads review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.monitor.leads import Target, count_leads, get_lead, list_leads, reject_lead
from havenwatch.monitor.review import accept_reviewed, merge_reviewed
from havenwatch.web.api.models import AcceptIn, LeadOut, MergeIn, Page, RejectIn
from havenwatch.web.api.records import Limit, Offset, RecordId
from havenwatch.web.deps import api_need, database

router = APIRouter()
Reviewer = Annotated[Principal, Depends(api_need(Capability.REVIEW_LEADS))]


def lead_out(lead: Any) -> LeadOut:
    return LeadOut(
        id=lead.id,
        status=lead.status,
        event_type=lead.event_type,
        subject_name=lead.subject_name,
        country=lead.country,
        event_date=lead.event_date,
        evidence=lead.evidence,
        candidate_person_id=lead.candidate_person_id,
        candidate_case_id=lead.candidate_case_id,
        match_score=lead.match_score,
        match_reason=lead.match_reason,
        source_ids=[source.id for source in lead.sources],
        created_at=lead.created_at,
        decision_reason=lead.decision_reason,
        event_id=lead.event_id,
    )


@router.get("/leads")
def api_leads(
    request: Request,
    principal: Reviewer,
    status: Annotated[str, Query(pattern="^(new|accepted|merged|rejected)$")] = "new",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    db = database(request)
    found = list_leads(db, status=status, scope=Scope.of(principal), limit=limit, offset=offset)
    total = count_leads(db, status=status, scope=Scope.of(principal))
    return {
        "page": Page(total=total, offset=offset, limit=limit),
        "leads": [lead_out(lead) for lead in found],
    }


@router.get("/leads/{lead_id}")
def api_lead(request: Request, principal: Reviewer, lead_id: RecordId) -> LeadOut:
    return lead_out(get_lead(database(request), lead_id, scope=Scope.of(principal)))


@router.post("/leads/{lead_id}/accept")
def api_accept(request: Request, principal: Reviewer, lead_id: RecordId, body: AcceptIn) -> LeadOut:
    """Accept the lead, as extracted or with the fields in `correction` changed, by the path
    the web page takes: the service checks the correction, and the lead, case and person
    against the caller's teams (404 outside them), records `lead.accept` in the audit log,
    seals what the reviewer kept and changed (the extractor's metrics count it), titles a new
    case in the caller's language and re-matches the pending leads about the person."""
    scope = Scope.of(principal)
    target = Target(body.person_id, body.case_id, body.pseudonym, principal.team, scope)
    changes = body.correction.changes() if body.correction else {}
    if "subject_name" in changes:
        principal.require(Capability.VIEW_IDENTITY)
    accepted = accept_reviewed(
        database(request),
        lead_id,
        principal.actor,
        target=target,
        scope=scope,
        language=principal.locale,
        changes=changes,
    )
    return lead_out(accepted.lead)


@router.post("/leads/{lead_id}/merge")
def api_merge(request: Request, principal: Reviewer, lead_id: RecordId, body: MergeIn) -> LeadOut:
    db = database(request)
    merged = merge_reviewed(db, lead_id, body.event_id, principal.actor, scope=Scope.of(principal))
    return lead_out(merged.lead)


@router.post("/leads/{lead_id}/reject")
def api_reject(request: Request, principal: Reviewer, lead_id: RecordId, body: RejectIn) -> LeadOut:
    db = database(request)
    return lead_out(
        reject_lead(db, lead_id, principal.actor, body.reason, scope=Scope.of(principal))
    )
