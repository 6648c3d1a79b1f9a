"""Events on a case's timeline: add, edit, link a source, delete (after a confirmation page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.custom_fields import fields_for_team
from havenwatch.cases.events import (
    add_event,
    add_event_source,
    delete_event,
    list_events,
    sources_deleted_with,
    update_event,
)
from havenwatch.cases.sources import list_sources
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.core.model import Event, Source
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import explain
from havenwatch.web.rendering import render
from havenwatch.web.routes.cases import case_context

router = APIRouter()
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]


def event_from_form(form: FormData, case_id: str, event_id: str | None = None) -> Event:
    """The event a form describes: its fields as the record declares them (`core.fields`)."""
    return Event(id=event_id, case_id=case_id, **forms.record_values(form, Event))


def _values(form: FormData) -> dict[str, Any]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _case_with_error(
    request: Request, principal: Principal, case_id: str, error: str, values: dict[str, Any]
) -> Response:
    context = case_context(request, principal, case_id)
    return render(
        request, "case.html", {**context, "error": error, "values": values}, status_code=400
    )


@router.post("/cases/{case_id}/events")
def create_event(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    db = database(request)
    case = get_case(db, case_id, scope=Scope.of(principal))
    fields = fields_for_team(db, case.team, "event", scope=Scope.of(principal))
    try:
        event = add_event(
            db,
            event_from_form(form, case_id),
            principal.actor,
            scope=Scope.of(principal),
            custom=forms.custom(form, fields),
        )
    except HavenwatchError as error:
        return _case_with_error(request, principal, case_id, explain(error), _values(form))
    return RedirectResponse(f"/cases/{case_id}#event-{event.id}", 303)


def _event(request: Request, principal: Principal, case_id: str, event_id: str) -> Event:
    timeline = list_events(
        database(request),
        case_id,
        scope=Scope.of(principal),
        with_notes=True,
        actor=principal.actor,
    )
    for event in timeline:
        if event.id == event_id:
            return event
    raise NotFoundError(f"no event {event_id}")


@router.get("/cases/{case_id}/events/{event_id}/edit")
def edit_event_page(request: Request, principal: Editor, case_id: str, event_id: str) -> Response:
    event = _event(request, principal, case_id, event_id)
    case = get_case(database(request), case_id, scope=Scope.of(principal))
    context = case_context(request, principal, case_id)
    stored = context["event_custom"].get(event_id, [])
    return render(
        request,
        "event_edit.html",
        {
            "case": case,
            "event": event,
            "error": None,
            "engine": context["engine"],
            "event_fields": context["event_fields"],
            "custom_values": {f"custom_{item.field.key}": item.value for item in stored},
        },
    )


@router.post("/cases/{case_id}/events/{event_id}")
def save_event(
    request: Request, principal: Editor, case_id: str, event_id: str, form: Form
) -> Response:
    db = database(request)
    existing = _event(request, principal, case_id, event_id)
    try:
        event = event_from_form(form, case_id, event_id)
        event.source_ids = existing.source_ids
        event.created_at = existing.created_at
        case = get_case(db, case_id, scope=Scope.of(principal))
        fields = fields_for_team(db, case.team, "event", scope=Scope.of(principal))
        custom = forms.custom(form, fields)
        update_event(db, event, principal.actor, scope=Scope.of(principal), custom=custom)
    except HavenwatchError as error:
        case = get_case(db, case_id, scope=Scope.of(principal))
        context = case_context(request, principal, case_id)
        return render(
            request,
            "event_edit.html",
            {
                "case": case,
                "event": existing,
                "error": explain(error),
                "engine": context["engine"],
                "event_fields": context["event_fields"],
                "custom_values": _values(form),
            },
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}#event-{event_id}", 303)


@router.post("/cases/{case_id}/events/{event_id}/sources")
def event_source_form(
    request: Request, principal: Editor, case_id: str, event_id: str, form: Form
) -> Response:
    db = database(request)
    _event(request, principal, case_id, event_id)
    try:
        add_event_source(
            db,
            event_id,
            Source(
                url=forms.text(form, "url", limit=2000),
                title=forms.text(form, "title", limit=500),
                publisher=forms.text(form, "publisher", limit=200),
                published_on=forms.day(form, "published_on"),
                text=forms.text(form, "text", limit=200_000) or "",
            ),
            principal.actor,
            scope=Scope.of(principal),
        )
    except HavenwatchError as error:
        return _case_with_error(request, principal, case_id, explain(error), _values(form))
    return RedirectResponse(f"/cases/{case_id}#event-{event_id}", 303)


@router.get("/cases/{case_id}/events/{event_id}/delete")
def delete_event_page(request: Request, principal: Editor, case_id: str, event_id: str) -> Response:
    """The confirmation step: what the event is, and what goes with it. Nothing changes yet."""
    db = database(request)
    case = get_case(db, case_id, scope=Scope.of(principal))
    timeline = list_events(db, case_id, scope=Scope.of(principal))
    event = next((item for item in timeline if item.id == event_id), None)
    if event is None:
        raise NotFoundError(f"no event {event_id}")
    linked = (
        list_sources(db, ids=event.source_ids, limit=500, scope=Scope.of(principal))
        if event.source_ids
        else []
    )
    return render(
        request,
        "event_delete.html",
        {
            "case": case,
            "event": event,
            "sources": linked,
            "doomed": set(sources_deleted_with(db, case_id, event_id, scope=Scope.of(principal))),
        },
    )


@router.post("/cases/{case_id}/events/{event_id}/delete")
def remove_event(
    request: Request, principal: Editor, case_id: str, event_id: str, form: Form
) -> Response:
    delete_event(database(request), case_id, event_id, principal.actor, scope=Scope.of(principal))
    return RedirectResponse(f"/cases/{case_id}#timeline-title", 303)
