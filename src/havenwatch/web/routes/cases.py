"""Cases: the filtered list, the new-case form, the case page, status and assignment."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.cases.assignment import assign_case, assignable_users
from havenwatch.cases.case_files import (
    CASE_ORDERS,
    CaseFile,
    CaseFilter,
    add_case,
    close_case,
    get_case,
    get_case_file,
    list_cases,
    page_of_cases,
    reopen_case,
)
from havenwatch.cases.deadlines import deadlines_of_case, engine_choices
from havenwatch.cases.people import find_people_by_name, get_person, list_people, pseudonyms
from havenwatch.cases.search import search
from havenwatch.cases.sources import list_sources
from havenwatch.cases.step_workflow import StepAction, step_actions
from havenwatch.core.clock import today
from havenwatch.core.errors import HavenwatchError, NotFoundError, ValidationError
from havenwatch.core.model import Case
from havenwatch.core.vocabulary import vocabulary
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _, current, explain
from havenwatch.web.rendering import PAGE_SIZE, PageNumber, counting_limit, localise, pager, render
from havenwatch.web.routes.documents import case_documents

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]
MAX_SEARCH_CASES = 500


def _filter_from_query(request: Request, principal: Principal) -> tuple[CaseFilter, str | None]:
    params = request.query_params
    error = None
    try:
        date_from = forms.query_day(params.get("from"), "from")
        date_to = forms.query_day(params.get("to"), "to")
    except ValidationError:
        date_from = date_to = None
        error = _("Dates must look like %(example)s.") % {"example": current().date_example}
    vocab = vocabulary()
    status = params.get("status") if params.get("status") in vocab.case_statuses else None
    event_type = params.get("event_type") if params.get("event_type") in vocab.event_types else None
    country = (params.get("country") or "").strip().upper()[:2] or None
    tag = (params.get("tag") or "").strip()[:80] or None
    flt = CaseFilter(
        status=status,
        country=country,
        event_type=event_type,
        date_from=date_from,
        date_to=date_to,
        tag=tag,
        team_ids=principal.team_ids,
    )
    return flt, error


def matching_case_ids(request: Request, principal: Principal, query: str) -> list[str]:
    """Cases found by words in their title, tags or events, or by their person's name."""
    db = database(request)
    found = search(
        db,
        query,
        kinds=("case", "event", "person"),
        team_ids=principal.team_ids,
        limit=MAX_SEARCH_CASES,
    )
    person_ids = set(found["person"])
    if principal.can(Capability.SEARCH_NAMES):
        person_ids |= set(find_people_by_name(db, query, team_ids=principal.team_ids))
    case_ids = set(found["case"])
    if found["event"]:
        case_ids |= {event_case for event_case in _cases_of_events(request, found["event"])}
    if person_ids:
        flt = CaseFilter(team_ids=principal.team_ids)
        for person_id in list(person_ids)[:MAX_SEARCH_CASES]:
            flt.person_id = person_id
            case_ids |= {case.id for case in list_cases(db, flt, limit=20) if case.id}
    return sorted(case_ids)


def _cases_of_events(request: Request, event_ids: list[str]) -> set[str]:
    from sqlalchemy import select

    from havenwatch.store.schema import events

    with database(request).read() as conn:
        rows = conn.execute(select(events.c.case_id).where(events.c.id.in_(event_ids)))
        return {row.case_id for row in rows}


def people_names(request: Request, person_ids: set[str], principal: Principal) -> dict[str, str]:
    return pseudonyms(database(request), person_ids, team_ids=principal.team_ids)


@router.get("/cases")
def cases_list(request: Request, principal: Reader, page: PageNumber = 1) -> Response:
    localise(request)
    db = database(request)
    flt, error = _filter_from_query(request, principal)
    query = (request.query_params.get("q") or "").strip()[:200]
    if query:
        flt.case_ids = matching_case_ids(request, principal, query)
    limit = counting_limit(page)
    offset = (max(1, page) - 1) * PAGE_SIZE
    order = request.query_params.get("sort", "opened")
    order = order if order in CASE_ORDERS else "opened"
    with db.read():
        listed = page_of_cases(
            db, flt, offset=offset, size=PAGE_SIZE, count_until=limit, order=order
        )
        people = people_names(request, {case.person_id for case in listed.cases}, principal)
    return render(
        request,
        "cases.html",
        {
            "cases": listed.cases,
            "pager": pager(request, listed.matching, page, exact=listed.matching < limit),
            "error": error,
            "query": query,
            "filters": request.query_params,
            "people": people,
            "order": order,
            "sort_links": {key: _sorted_by(request, key) for key in CASE_ORDERS},
            "today": today(),
        },
    )


def _sorted_by(request: Request, order: str) -> str:
    """This list's address sorted by `order`, from its first page, other filters kept."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("sort", "page")]
    return "/cases?" + urlencode([*kept, ("sort", order)])


@router.get("/cases/new")
def new_case_page(request: Request, principal: Editor) -> Response:
    return _new_case_form(request, principal, {}, None)


def _new_case_form(
    request: Request,
    principal: Principal,
    values: dict[str, Any],
    error: str | None,
    status: int = 200,
) -> Response:
    db = database(request)
    people = list_people(db, team_ids=principal.team_ids, limit=1000)
    chosen = values.get("person_id") or request.query_params.get("person") or ""
    return render(
        request,
        "case_new.html",
        {"people": people, "values": values, "error": error, "chosen": chosen},
        status_code=status,
    )


@router.post("/cases")
def create_case(request: Request, principal: Editor, form: Form) -> Response:
    localise(request)
    db = database(request)
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        person_id = forms.required(form, "person_id", limit=40)
        person = get_person(db, person_id, actor=principal.actor, team_ids=principal.team_ids)
        case = Case(
            person_id=person_id,
            country=forms.upper_code(form, "country") or "",
            title=forms.text(form, "title", limit=300) or "",
            team=person.team,
            tags=forms.words(form, "tags"),
            opened_on=forms.day(form, "opened_on"),
            notes=forms.text(form, "notes"),
        )
        add_case(db, case, principal.actor)
    except NotFoundError:
        return _new_case_form(request, principal, values, _("Choose a person of your team."), 400)
    except HavenwatchError as error:
        return _new_case_form(request, principal, values, explain(error), 400)
    return RedirectResponse(f"/cases/{case.id}", 303)


def case_context(request: Request, principal: Principal, case_id: str) -> dict[str, Any]:
    db = database(request)
    with_notes = principal.can(Capability.VIEW_NOTES)
    case_file = get_case_file(
        db, case_id, team_ids=principal.team_ids, actor=principal.actor, with_notes=with_notes
    )
    with db.read():
        return _case_surroundings(request, principal, case_file)


def _case_surroundings(
    request: Request, principal: Principal, case_file: CaseFile
) -> dict[str, Any]:
    """What the case page shows beside the case file, read in the caller's transaction."""
    db = database(request)
    case, timeline = case_file.case, case_file.timeline
    case_id = case.id or ""
    source_ids = sorted({sid for event in timeline for sid in event.source_ids})
    return {
        "case": case,
        "person": get_person(
            db, case.person_id, actor=principal.actor, team_ids=principal.team_ids
        ),
        "timeline": timeline,
        "sources": {
            s.id: s
            for s in list_sources(
                db, ids=source_ids, limit=500, names=principal.can(Capability.VIEW_IDENTITY)
            )
        }
        if source_ids
        else {},
        "plan": deadlines_of_case(
            db, case_id, case.country, today=today(), locale=principal.locale
        ),
        "engine": engine_choices(case.country, principal.locale),
        "actions": _step_actions(request, principal, case_id),
        "documents": case_documents(request, principal, case_id),
        "assignees": assignable_users(db, _team_id(request, case_id)),
        "today": today(),
    }


def _step_actions(request: Request, principal: Principal, case_id: str) -> dict[str, StepAction]:
    """What was done about the case's steps; notes opened for those who may read notes."""
    return step_actions(
        database(request),
        case_id,
        team_ids=principal.team_ids,
        reader=principal.actor if principal.can(Capability.VIEW_NOTES) else None,
    )


def _team_id(request: Request, case_id: str) -> str:
    from sqlalchemy import select

    from havenwatch.store.schema import cases

    with database(request).read() as conn:
        return str(conn.execute(select(cases.c.team_id).where(cases.c.id == case_id)).scalar())


@router.get("/cases/{case_id}")
def case_page(request: Request, principal: Reader, case_id: str) -> Response:
    context = case_context(request, principal, case_id)
    return render(request, "case.html", {**context, "error": None, "values": {}})


@router.post("/cases/{case_id}/status")
def change_status(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    db = database(request)
    get_case(db, case_id, team_ids=principal.team_ids)
    status = forms.text(form, "status", limit=20) or ""
    try:
        close_case(
            db, case_id, principal.actor, status=status, closed_on=forms.day(form, "closed_on")
        )
    except HavenwatchError as error:
        context = case_context(request, principal, case_id)
        return render(
            request,
            "case.html",
            {**context, "error": explain(error), "values": {}},
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}", 303)


@router.post("/cases/{case_id}/reopen")
def reopen(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    """A closed case becomes open again; the reason code goes to the audit trail."""
    localise(request)
    db = database(request)
    get_case(db, case_id, team_ids=principal.team_ids)
    reason = forms.text(form, "reason", limit=40) or ""
    try:
        reopen_case(db, case_id, principal.actor, reason=reason, team_ids=principal.team_ids)
    except ValidationError as error:
        message = (
            _("Choose why the case is reopened.") if error.field == "reason" else explain(error)
        )
        context = case_context(request, principal, case_id)
        return render(
            request,
            "case.html",
            {**context, "error": message, "values": {"reason": reason}},
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}", 303)


@router.post("/cases/{case_id}/assign")
def assign(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    db = database(request)
    try:
        assign_case(
            db,
            case_id,
            forms.text(form, "assignee", limit=40),
            principal.actor,
            team_ids=principal.team_ids,
        )
    except ValidationError as error:
        context = case_context(request, principal, case_id)
        return render(
            request,
            "case.html",
            {**context, "error": explain(error), "values": {}},
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}", 303)
