"""What the team does about a deadline step: mark it done, not applicable or superseded (with
a note), or assign it to a lawyer of the team. Plain forms: they work without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.step_workflow import assign_step, resolve_step
from havenwatch.core.errors import HavenwatchError
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _
from havenwatch.web.rendering import localise, render
from havenwatch.web.routes.cases import case_context

router = APIRouter()
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]
FIELD_MESSAGES = {
    "note": "Say what was done and why: a note is required.",
    "done_on": "Give the day the step was done.",
    "resolution": "Choose what happened to the step.",
    "assignee": "Choose an active caseworker of the case's team.",
}


def _anchor(case_id: str, deadline_id: str) -> str:
    return f"/cases/{case_id}#step-{deadline_id.replace(':', '-')}"


def _with_error(
    request: Request, principal: Principal, case_id: str, error: HavenwatchError
) -> Response:
    field = getattr(error, "field", None)
    message = _(FIELD_MESSAGES[field]) if field in FIELD_MESSAGES else str(error)
    context = case_context(request, principal, case_id)
    return render(
        request, "case.html", {**context, "error": message, "values": {}}, status_code=400
    )


@router.post("/cases/{case_id}/steps/{deadline_id}/resolve")
def resolve(
    request: Request, principal: Editor, case_id: str, deadline_id: str, form: Form
) -> Response:
    localise(request)
    resolution = forms.text(form, "resolution", limit=20)
    try:
        resolve_step(
            database(request),
            case_id,
            deadline_id,
            principal.actor,
            resolution=None if resolution == "open" else resolution,
            note=forms.text(form, "note", limit=4000) or "",
            done_on=forms.day(form, "done_on"),
            event_id=forms.text(form, "event_id", limit=40),
            scope=Scope.of(principal),
        )
    except HavenwatchError as error:
        return _with_error(request, principal, case_id, error)
    return RedirectResponse(_anchor(case_id, deadline_id), 303)


@router.post("/cases/{case_id}/steps/{deadline_id}/assign")
def assign(
    request: Request, principal: Editor, case_id: str, deadline_id: str, form: Form
) -> Response:
    localise(request)
    try:
        assign_step(
            database(request),
            case_id,
            deadline_id,
            forms.text(form, "assignee", limit=40),
            principal.actor,
            scope=Scope.of(principal),
        )
    except HavenwatchError as error:
        return _with_error(request, principal, case_id, error)
    return RedirectResponse(_anchor(case_id, deadline_id), 303)
