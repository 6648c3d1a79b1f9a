"""API: cases, their events, people, sources and the published anonymised releases."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.assignment import assign_case
from havenwatch.cases.case_files import (
    CaseFilter,
    add_case,
    close_case,
    count_cases,
    get_case,
    list_cases,
    reopen_case,
)
from havenwatch.cases.case_view import CaseView, ViewRights, case_view
from havenwatch.cases.custom_fields import FieldValue, record_values, set_values
from havenwatch.cases.deadlines import deadlines_of_case
from havenwatch.cases.events import (
    add_event,
    add_event_source,
    delete_event,
    edit_event,
    list_events,
)
from havenwatch.cases.people import add_person, count_people, edit_person, get_person, list_people
from havenwatch.cases.sources import count_sources, get_source, list_sources
from havenwatch.cases.step_workflow import step_actions
from havenwatch.core.clock import today
from havenwatch.core.errors import NotFoundError
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.publication import latest_release, list_releases, release_version
from havenwatch.store.database import Database
from havenwatch.web.api.models import (
    NO_NUL,
    AssignIn,
    CaseDeadlinesOut,
    CaseFieldsOut,
    CaseIn,
    CaseOut,
    CasePatch,
    DeletedEventOut,
    EventFieldsOut,
    EventIn,
    EventOut,
    EventPatch,
    Page,
    PersonFieldsOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    ReopenIn,
    SourceIn,
    SourceOut,
    StatusIn,
)
from havenwatch.web.deps import api_need, database

router = APIRouter()
Reader = Annotated[Principal, Depends(api_need(Capability.VIEW_CASES))]
Editor = Annotated[Principal, Depends(api_need(Capability.EDIT_CASES))]
SourceReader = Annotated[Principal, Depends(api_need(Capability.VIEW_SOURCES))]
Exporter = Annotated[Principal, Depends(api_need(Capability.EXPORT_ANONYMISED))]
LiveExporter = Annotated[Principal, Depends(api_need(Capability.EXPORT_ANONYMISED_LIVE))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
RecordId = Annotated[str, Path(max_length=40, pattern=NO_NUL)]
Choice = Annotated[str | None, Query(max_length=80, pattern=NO_NUL)]


def custom_out(items: list[FieldValue]) -> dict[str, str | int | float | bool]:
    """The values the API sends: typed, and never an identifying field's."""
    return {
        item.field.key: item.field.typed(item.value)
        for item in items
        if item.value is not None and not item.field.identifying
    }


def _person_out(db: Database, principal: Principal, person: Person) -> PersonFieldsOut:
    found = record_values(db, "person", person.id or "", scope=Scope.of(principal))
    return PersonFieldsOut(**PersonOut.of(person).model_dump(), custom=custom_out(found))


def _case_out(db: Database, principal: Principal, case_id: str) -> CaseFieldsOut:
    case = get_case(db, case_id, scope=Scope.of(principal))
    found = record_values(db, "case", case_id, scope=Scope.of(principal))
    return CaseFieldsOut(**CaseOut.of(case).model_dump(), custom=custom_out(found))


@router.get("/cases")
def api_cases(
    request: Request,
    principal: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    status: Choice = None,
    country: Choice = None,
    event_type: Choice = None,
    tag: Choice = None,
) -> dict[str, Any]:
    db = database(request)
    flt = CaseFilter(status=status, country=country, event_type=event_type, tag=tag)
    found = list_cases(db, flt, scope=Scope.of(principal), limit=limit, offset=offset)
    return {
        "page": Page(
            total=count_cases(db, flt, scope=Scope.of(principal)), offset=offset, limit=limit
        ),
        "cases": [CaseOut.of(case) for case in found],
    }


@router.post("/cases", status_code=201)
def api_create_case(request: Request, principal: Editor, body: CaseIn) -> CaseFieldsOut:
    db = database(request)
    person = get_person(db, body.person_id, actor=principal.actor, scope=Scope.of(principal))
    case = add_case(
        db,
        Case(
            person_id=body.person_id,
            country=body.country.upper(),
            title=body.title,
            tags=body.tags,
            opened_on=body.opened_on,
            team=person.team,
        ),
        principal.actor,
        scope=Scope.of(principal),
        custom=body.custom or {},
    )
    return _case_out(db, principal, case.id or "")


@router.patch("/cases/{case_id}")
def api_edit_case(
    request: Request, principal: Editor, case_id: RecordId, body: CasePatch
) -> CaseFieldsOut:
    """Change the values of the team's case fields sent; the others keep theirs."""
    db = database(request)
    set_values(db, "case", case_id, body.custom, principal.actor, scope=Scope.of(principal))
    return _case_out(db, principal, case_id)


class DocumentOut(BaseModel):
    """A document in the vault, as the case page lists it (size rounded, no content)."""

    id: str
    event_id: str | None
    filename: str
    media_type: str
    size: int
    metadata_stripped: bool


class CaseViewOut(CaseOut):
    """The case as its page shows it, from the same `case_view`: its person (pseudonym and
    working fields), timeline, the sources its events cite, deadlines with what was done about
    each step, and documents (for roles that may see them). Notes are never returned."""

    person: PersonOut
    custom: dict[str, str | int | float | bool]
    events: list[EventOut]
    sources: list[SourceOut]
    deadlines: CaseDeadlinesOut
    documents: list[DocumentOut]

    @classmethod
    def of_view(cls, view: CaseView) -> CaseViewOut:
        return cls(
            **CaseOut.of(view.case).model_dump(),
            person=PersonOut.of(view.person),
            custom=custom_out(view.custom),
            events=[EventOut.of(event) for event in view.timeline],
            sources=[SourceOut.of(source) for source in view.sources.values()],
            deadlines=CaseDeadlinesOut.of(view.case, view.plan, view.actions),
            documents=[
                DocumentOut(
                    id=doc.id,
                    event_id=doc.event_id,
                    filename=doc.filename,
                    media_type=doc.media_type,
                    size=doc.size,
                    metadata_stripped=doc.metadata_stripped,
                )
                for doc in view.documents
            ],
        )


@router.get("/cases/{case_id}")
def api_case(request: Request, principal: Reader, case_id: RecordId) -> CaseViewOut:
    """The case with what its page shows, read in one transaction (`case_view`)."""
    rights = replace(ViewRights.of(principal), notes=False)
    view = case_view(
        database(request),
        Scope.of(principal),
        case_id,
        rights=rights,
        reader=principal.actor,
        today=today(),
        locale=principal.locale,
    )
    return CaseViewOut.of_view(view)


@router.post("/cases/{case_id}/reopen")
def api_reopen_case(
    request: Request, principal: Editor, case_id: RecordId, body: ReopenIn
) -> CaseOut:
    """Open a closed case again, for one of the reasons listed (kept in the audit trail)."""
    return CaseOut.of(
        reopen_case(
            database(request),
            case_id,
            principal.actor,
            reason=body.reason,
            scope=Scope.of(principal),
        )
    )


@router.post("/cases/{case_id}/status")
def api_close_case(
    request: Request, principal: Editor, case_id: RecordId, body: StatusIn
) -> CaseOut:
    """Close the case with a final status (the case page's "close the case as")."""
    db = database(request)
    get_case(db, case_id, scope=Scope.of(principal))
    close_case(
        db,
        case_id,
        principal.actor,
        status=body.status,
        closed_on=body.closed_on,
        scope=Scope.of(principal),
    )
    return CaseOut.of(get_case(db, case_id, scope=Scope.of(principal)))


@router.post("/cases/{case_id}/assign")
def api_assign_case(
    request: Request, principal: Editor, case_id: RecordId, body: AssignIn
) -> CaseOut:
    """Give the case to a caseworker of its team, or to nobody; they see it on their dashboard."""
    db = database(request)
    assign_case(db, case_id, body.assignee, principal.actor, scope=Scope.of(principal))
    return CaseOut.of(get_case(db, case_id, scope=Scope.of(principal)))


@router.get("/cases/{case_id}/deadlines")
def api_case_deadlines(request: Request, principal: Reader, case_id: RecordId) -> CaseDeadlinesOut:
    """The deadlines the legal engine computes from the case's decisions, with their citations.

    Labels, explanations and warnings are in the caller's language (their account setting).
    """
    db = database(request)
    case = get_case(db, case_id, scope=Scope.of(principal))
    plan = deadlines_of_case(
        db,
        case_id,
        case.country,
        today=today(),
        scope=Scope.of(principal),
        locale=principal.locale,
    )
    actions = step_actions(db, case_id, scope=Scope.of(principal))
    return CaseDeadlinesOut.of(case, plan, actions)


@router.get("/cases/{case_id}/events")
def api_events(request: Request, principal: Reader, case_id: RecordId) -> list[EventOut]:
    return [
        EventOut.of(e) for e in list_events(database(request), case_id, scope=Scope.of(principal))
    ]


@router.post("/cases/{case_id}/events", status_code=201)
def api_add_event(
    request: Request, principal: Editor, case_id: RecordId, body: EventIn
) -> EventFieldsOut:
    db = database(request)
    get_case(db, case_id, scope=Scope.of(principal))
    event = add_event(
        db,
        Event(case_id=case_id, **body.values()),
        principal.actor,
        scope=Scope.of(principal),
        custom=body.custom or {},
    )
    return _event_out(db, principal, event)


def _event_out(db: Database, principal: Principal, event: Event) -> EventFieldsOut:
    found = record_values(db, "event", event.id or "", scope=Scope.of(principal))
    return EventFieldsOut(**EventOut.of(event).model_dump(), custom=custom_out(found))


@router.patch("/cases/{case_id}/events/{event_id}")
def api_edit_event(
    request: Request, principal: Editor, case_id: RecordId, event_id: RecordId, body: EventPatch
) -> EventFieldsOut:
    """Change the fields sent; the others, notes included, keep their values."""
    db = database(request)
    changes = body.changes()
    event = _event_of_case(db, principal, case_id, event_id)
    if changes or body.custom:
        scope = Scope.of(principal)
        edit_event(
            db, case_id, event_id, principal.actor, changes=changes, scope=scope, custom=body.custom
        )
        event = _event_of_case(db, principal, case_id, event_id)
    return _event_out(db, principal, event)


def _event_of_case(db: Database, principal: Principal, case_id: str, event_id: str) -> Event:
    """The event, without its notes, if it belongs to that case of the caller's teams."""
    timeline = list_events(db, case_id, scope=Scope.of(principal))
    found = next((event for event in timeline if event.id == event_id), None)
    if found is None:
        raise NotFoundError(f"no event {event_id}")
    return found


@router.post("/cases/{case_id}/events/{event_id}/sources", status_code=201)
def api_add_event_source(
    request: Request, principal: Editor, case_id: RecordId, event_id: RecordId, body: SourceIn
) -> SourceOut:
    """Store a report (once, by content) and link it to the event as what reported it."""
    db = database(request)
    _event_of_case(db, principal, case_id, event_id)
    source = add_event_source(
        db,
        event_id,
        Source(
            url=body.url,
            title=body.title,
            publisher=body.publisher,
            published_on=body.published_on,
            text=body.text,
        ),
        principal.actor,
        scope=Scope.of(principal),
    )
    return SourceOut.of(source)


@router.delete("/cases/{case_id}/events/{event_id}")
def api_delete_event(
    request: Request, principal: Editor, case_id: RecordId, event_id: RecordId
) -> DeletedEventOut:
    """Delete an event from the case's timeline; sources linked to nothing else go with it."""
    deleted = delete_event(
        database(request), case_id, event_id, principal.actor, scope=Scope.of(principal)
    )
    return DeletedEventOut.of(deleted)


@router.get("/people")
def api_people(
    request: Request, principal: Reader, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    db = database(request)
    found = list_people(db, scope=Scope.of(principal), limit=limit, offset=offset)
    return {
        "page": Page(total=count_people(db, scope=Scope.of(principal)), offset=offset, limit=limit),
        "people": [PersonOut.of(person) for person in found],
    }


@router.post("/people", status_code=201)
def api_create_person(request: Request, principal: Editor, body: PersonIn) -> PersonFieldsOut:
    """A new person of the caller's team (as the new-person form); identity is never returned."""
    identity = Identity()
    if body.identity is not None:
        principal.require(Capability.VIEW_IDENTITY)
        identity = Identity(**body.identity.model_dump(exclude_none=True))
    db = database(request)
    person = add_person(
        db,
        Person(
            pseudonym=body.pseudonym,
            identity=identity,
            nationality=body.nationality.upper() if body.nationality else None,
            gender=body.gender,
            birth_year=body.birth_year,
            family_affected_count=body.family_affected_count,
            consent=body.consent,
            risk_level=body.risk_level,
            team=principal.team,
        ),
        principal.actor,
        scope=Scope.of(principal),
        custom=body.custom or {},
    )
    return _person_out(db, principal, person)


@router.get("/people/{person_id}")
def api_person(request: Request, principal: Reader, person_id: RecordId) -> PersonFieldsOut:
    db = database(request)
    person = get_person(db, person_id, actor=principal.actor, scope=Scope.of(principal))
    return _person_out(db, principal, person)


@router.patch("/people/{person_id}")
def api_edit_person(
    request: Request, principal: Editor, person_id: RecordId, body: PersonPatch
) -> PersonFieldsOut:
    """Change the fields sent; names changed here are found by name search at once."""
    given = body.model_fields_set - {"identity", "custom"}
    changes = {name: getattr(body, name) for name in given}
    if changes.get("nationality"):
        changes["nationality"] = changes["nationality"].upper()
    identity = None
    if body.identity is not None:
        principal.require(Capability.VIEW_IDENTITY)
        identity = {name: getattr(body.identity, name) for name in body.identity.model_fields_set}
    db = database(request)
    edit_person(
        db,
        person_id,
        principal.actor,
        changes=changes,
        identity_changes=identity,
        custom_changes=body.custom,
        scope=Scope.of(principal),
    )
    person = get_person(db, person_id, actor=principal.actor, scope=Scope.of(principal))
    return _person_out(db, principal, person)


@router.get("/sources")
def api_sources(
    request: Request, principal: SourceReader, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    db, scope = database(request), Scope.of(principal)
    names = principal.can(Capability.VIEW_IDENTITY)
    with db.read():
        total = count_sources(db, scope=scope)
        found = list_sources(db, scope=scope, limit=limit, offset=offset, names=names)
    return {
        "page": Page(total=total, offset=offset, limit=limit),
        "sources": [SourceOut.of(source) for source in found],
    }


@router.get("/sources/{source_id}")
def api_source(request: Request, principal: SourceReader, source_id: RecordId) -> SourceOut:
    """One source the caller's teams may see; linked ones without names for roles without
    identity rights (they lose title, text and URL path)."""
    names = principal.can(Capability.VIEW_IDENTITY)
    source = get_source(database(request), source_id, scope=Scope.of(principal), names=names)
    return SourceOut.of(source)


@router.get("/exports/anonymised")
def api_anonymised(
    request: Request,
    principal: Exporter,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The latest published release (or an earlier version), exactly as published."""
    db = database(request)
    published = latest_release(db) if version is None else release_version(db, version)
    if published is None:
        raise NotFoundError("no anonymised release has been published yet")
    if format == "csv":
        return Response(published.to_csv(), media_type="text/csv; charset=utf-8")
    return Response(published.to_json(), media_type="application/json")


@router.get("/exports/anonymised/versions")
def api_release_versions(request: Request, principal: Exporter) -> list[dict[str, Any]]:
    return [
        {"version": v.version, "published_at": v.published_at.isoformat(), "k": v.k}
        for v in list_releases(database(request))
    ]


@router.get("/exports/anonymised/live")
def api_anonymised_live(
    request: Request,
    principal: LiveExporter,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    """The counts computed now: only for roles that see every team's records anyway."""
    release = anonymised_export(database(request), actor=principal.actor)
    if format == "csv":
        return Response(release.to_csv(), media_type="text/csv; charset=utf-8")
    return Response(release.to_json(), media_type="application/json")
