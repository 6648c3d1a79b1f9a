"""Cases: the filtered list, the new-case form, the case page, status and assignment."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.assignment import assign_case
from havenwatch.cases.case_files import (
    CASE_ORDERS,
    CURSOR_PATTERN,
    CaseCursor,
    CaseFilter,
    add_case,
    close_case,
    get_case,
    list_cases,
    page_of_cases,
    reopen_case,
)
from havenwatch.cases.case_view import ViewRights, case_view
from havenwatch.cases.custom_fields import fields_for_team, set_values
from havenwatch.cases.deadlines import engine_choices
from havenwatch.cases.events import cases_of_events
from havenwatch.cases.people import find_people_by_name, get_person, list_people, pseudonyms
from havenwatch.cases.search import search
from havenwatch.core.clock import today
from havenwatch.core.errors import HavenwatchError, NotFoundError, ValidationError
from havenwatch.core.model import Case, Document, Event, UploadReport
from havenwatch.core.vocabulary import vocabulary
from havenwatch.legal.workflow import CaseDeadlines
from havenwatch.reports.timeline import TimelineChart, case_timeline
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _, current, explain
from havenwatch.web.labels import english_labels, label
from havenwatch.web.rendering import PAGE_SIZE, PageNumber, counting_limit, localise, pager, render

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
    )
    return flt, error


def matching_case_ids(request: Request, principal: Principal, query: str) -> list[str]:
    """Cases found by words in their title, tags or events, or by their person's name."""
    db = database(request)
    found = search(
        db,
        query,
        kinds=("case", "event", "person"),
        scope=Scope.of(principal),
        limit=MAX_SEARCH_CASES,
    )
    person_ids = set(found["person"])
    if principal.can(Capability.SEARCH_NAMES):
        person_ids |= set(find_people_by_name(db, query, scope=Scope.of(principal)))
    case_ids = set(found["case"])
    case_ids |= cases_of_events(db, found["event"], scope=Scope.of(principal))
    if person_ids:
        flt = CaseFilter()
        for person_id in list(person_ids)[:MAX_SEARCH_CASES]:
            flt.person_id = person_id
            listed = list_cases(db, flt, scope=Scope.of(principal), limit=20)
            case_ids |= {case.id for case in listed if case.id}
    return sorted(case_ids)


def people_names(request: Request, person_ids: set[str], principal: Principal) -> dict[str, str]:
    return pseudonyms(database(request), person_ids, scope=Scope.of(principal))


Cursor = Annotated[str | None, Query(max_length=80, pattern=CURSOR_PATTERN)]


@router.get("/cases")
def cases_list(
    request: Request, principal: Reader, page: PageNumber = 1, after: Cursor = None
) -> Response:
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
            db,
            flt,
            scope=Scope.of(principal),
            offset=offset,
            size=PAGE_SIZE,
            count_until=limit,
            order=order,
            after=_cursor(after),
        )
        people = people_names(request, {case.person_id for case in listed.cases}, principal)
    return render(
        request,
        "cases.html",
        {
            "cases": listed.cases,
            "pager": pager(
                request,
                listed.matching,
                page,
                exact=listed.matching < limit,
                next_cursor=listed.next_cursor.text() if listed.next_cursor else None,
            ),
            "error": error,
            "query": query,
            "filters": request.query_params,
            "people": people,
            "order": order,
            "sort_links": {key: _sorted_by(request, key) for key in CASE_ORDERS},
            "today": today(),
        },
    )


def _cursor(text: str | None) -> CaseCursor | None:
    """The list's `after=` cursor; one that is not a cursor is a 400, like a bad page number."""
    cursor = CaseCursor.parse(text) if text else None
    if text and cursor is None:
        raise HTTPException(400)
    return cursor


def _sorted_by(request: Request, order: str) -> str:
    """This list's address sorted by `order`, from its first page, other filters kept."""
    dropped = ("sort", "page", "after")
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in dropped]
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
    people = list_people(db, scope=Scope.of(principal), limit=1000)
    chosen = values.get("person_id") or request.query_params.get("person") or ""
    fields = fields_for_team(db, principal.team, "case", scope=Scope.of(principal))
    return render(
        request,
        "case_new.html",
        {
            "people": people,
            "values": values,
            "error": error,
            "chosen": chosen,
            "custom_fields": fields,
        },
        status_code=status,
    )


@router.post("/cases")
def create_case(request: Request, principal: Editor, form: Form) -> Response:
    localise(request)
    db = database(request)
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        person_id = forms.required(form, "person_id", limit=40)
        person = get_person(db, person_id, actor=principal.actor, scope=Scope.of(principal))
        case = Case(
            person_id=person_id,
            country=forms.upper_code(form, "country") or "",
            title=forms.text(form, "title", limit=300) or "",
            team=person.team,
            tags=forms.words(form, "tags"),
            opened_on=forms.day(form, "opened_on"),
            notes=forms.text(form, "notes"),
        )
        fields = fields_for_team(db, person.team, "case", scope=Scope.of(principal))
        custom = forms.custom(form, fields)
        add_case(db, case, principal.actor, scope=Scope.of(principal), custom=custom)
    except NotFoundError:
        return _new_case_form(request, principal, values, _("Choose a person of your team."), 400)
    except HavenwatchError as error:
        return _new_case_form(request, principal, values, explain(error), 400)
    return RedirectResponse(f"/cases/{case.id}", 303)


def case_context(request: Request, principal: Principal, case_id: str) -> dict[str, Any]:
    """The case page's template context: the case view (one read, one audit entry)."""
    view = case_view(
        database(request),
        Scope.of(principal),
        case_id,
        rights=ViewRights.of(principal),
        reader=principal.actor,
        today=today(),
        locale=principal.locale,
    )
    return {
        "case": view.case,
        "person": view.person,
        "timeline": view.timeline,
        "sources": view.sources,
        "plan": view.plan,
        "engine": engine_choices(view.case.country, principal.locale),
        "actions": view.actions,
        "documents": view.documents,
        "assignees": view.assignees,
        "custom": view.custom,
        "person_custom": view.person_custom,
        "custom_values": {f"custom_{item.field.key}": item.value for item in view.custom},
        "event_custom": view.event_custom,
        "event_fields": view.event_fields,
        "timeline_chart": timeline_chart(view.timeline, view.plan),
        "today": today(),
    }


def upload_notice(query: QueryParams, documents: list[Document]) -> dict[str, Any] | None:
    """What the case page confirms after an upload (redirected here with the upload's report
    as codes): the file's name and what was removed, only for a document of this case and
    only codes the labels know."""
    names = {document.id: document.filename for document in documents}
    uploaded = query.get("uploaded", "")
    if uploaded not in names:
        return None
    known = english_labels()
    removed = [code for code in query.get("removed", "").split(",") if code in known["metadata"]]
    text = query.get("text", "")
    report = UploadReport(
        tuple(removed),
        query.get("detected") == "1",
        "image/heic" if query.get("converted") == "image/heic" else None,
        text if text in known["text_reading"] else None,
    )
    return {"filename": names[uploaded], "id": uploaded, "report": report}


def timeline_chart(events: list[Event], plan: CaseDeadlines | None) -> TimelineChart | None:
    """What the case's timeline chart shows, in the user's language: the page lists its marks
    beside an `<img>` of `/cases/{id}/timeline.png`, which draws it (`web.routes.case_chart`)."""
    return case_timeline(
        events,
        plan,
        label=label,
        lanes={"event": _("Events"), "deadline": _("Deadlines"), "outcome": _("Outcomes")},
        month_label=current().month,
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, principal: Reader, case_id: str) -> Response:
    localise(request)
    context = case_context(request, principal, case_id)
    uploaded = upload_notice(request.query_params, context.get("documents") or [])
    return render(
        request,
        "case.html",
        {**context, "error": None, "values": {}, "uploaded": uploaded},
    )


@router.post("/cases/{case_id}/status")
def change_status(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    db = database(request)
    get_case(db, case_id, scope=Scope.of(principal))
    status = forms.text(form, "status", limit=20) or ""
    try:
        close_case(
            db,
            case_id,
            principal.actor,
            scope=Scope.of(principal),
            status=status,
            closed_on=forms.day(form, "closed_on"),
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
    get_case(db, case_id, scope=Scope.of(principal))
    reason = forms.text(form, "reason", limit=40) or ""
    try:
        reopen_case(db, case_id, principal.actor, reason=reason, scope=Scope.of(principal))
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
            scope=Scope.of(principal),
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


@router.post("/cases/{case_id}/fields")
def save_fields(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    """The values of the team's case fields, from the case page's form."""
    localise(request)
    db = database(request)
    case = get_case(db, case_id, scope=Scope.of(principal))
    fields = fields_for_team(db, case.team, "case", scope=Scope.of(principal))
    if not principal.can(Capability.VIEW_NOTES):
        fields = [field for field in fields if not field.identifying]
    try:
        set_values(
            db, "case", case_id, forms.custom(form, fields), principal.actor,
            scope=Scope.of(principal),
        )  # fmt: skip
    except HavenwatchError as error:
        context = case_context(request, principal, case_id)
        values = {key: value for key, value in form.items() if isinstance(value, str)}
        return render(
            request,
            "case.html",
            {**context, "error": explain(error), "values": {}, "custom_values": values},
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}#fields", 303)
