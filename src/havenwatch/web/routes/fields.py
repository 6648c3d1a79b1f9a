"""Fields a team defines: the administration page that lists, defines, changes and removes
them (the coordinator's: administrators), each change audited by the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.access.teams import list_team_names
from havenwatch.cases.custom_fields import change_field, define_field, list_fields, remove_field
from havenwatch.core.custom_fields import (
    LANGUAGES,
    FieldDefinition,
    options_as_lines,
    options_from_lines,
)
from havenwatch.core.errors import HavenwatchError
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import LOCALES, N_, explain
from havenwatch.web.rendering import localise, render

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Capability.MANAGE_USERS))]
KIND_LABELS = {
    "text": N_("Text"),
    "number": N_("Number"),
    "date": N_("Date"),
    "choice": N_("Choice"),
    "yes_no": N_("Yes or no"),
}
RECORD_LABELS = {"person": N_("People"), "case": N_("Cases"), "event": N_("Events")}


def _page(
    request: Request,
    principal: Principal,
    values: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> Response:
    db = database(request)
    return render(
        request,
        "fields.html",
        {
            "fields": list_fields(db, scope=Scope.of(principal)),
            "teams": list_team_names(db),
            "kinds": KIND_LABELS,
            "records": RECORD_LABELS,
            "languages": {lang: LOCALES[lang] for lang in LANGUAGES},
            "options_as_lines": options_as_lines,
            "values": values,
            "error": error,
        },
        status_code=status,
    )


@router.get("/admin/fields")
def fields_page(request: Request, principal: Admin) -> Response:
    return _page(request, principal, {})


def _labels(form: FormData) -> dict[str, str]:
    found = {lang: forms.text(form, f"label_{lang}", limit=200) for lang in LANGUAGES}
    return {lang: label for lang, label in found.items() if label}


@router.post("/admin/fields")
def define(request: Request, principal: Admin, form: Form) -> Response:
    """A new field of a team; its key, kind and sealing are fixed from then on."""
    localise(request)
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        definition = FieldDefinition(
            key=forms.required(form, "key", limit=60),
            applies_to=forms.text(form, "applies_to", limit=10) or "",
            kind=forms.text(form, "kind", limit=10) or "",
            labels=_labels(form),
            options=options_from_lines(forms.text(form, "options", limit=20_000) or ""),
            identifying=form.get("identifying") == "1",
            required=form.get("required") == "1",
        )
        define_field(
            database(request),
            definition,
            principal.actor,
            team=forms.text(form, "team", limit=120) or principal.team,
            scope=Scope.of(principal),
        )
    except HavenwatchError as error:
        return _page(request, principal, values, explain(error), 400)
    return RedirectResponse("/admin/fields", 303)


@router.post("/admin/fields/{field_id}")
def change(request: Request, principal: Admin, field_id: str, form: Form) -> Response:
    """New labels, options or requiredness of a field."""
    localise(request)
    try:
        change_field(
            database(request),
            field_id,
            principal.actor,
            labels=_labels(form),
            options=options_from_lines(forms.text(form, "options", limit=20_000) or ""),
            required=form.get("required") == "1",
            scope=Scope.of(principal),
        )
    except HavenwatchError as error:
        return _page(request, principal, {}, explain(error), 400)
    return RedirectResponse("/admin/fields", 303)


@router.post("/admin/fields/{field_id}/remove")
def remove(request: Request, principal: Admin, field_id: str, form: Form) -> Response:
    """Remove a field with every value of it."""
    remove_field(database(request), field_id, principal.actor, scope=Scope.of(principal))
    return RedirectResponse("/admin/fields", 303)
