"""People: the list, the new-person and edit forms, and the person page with their cases.

Identity (names, date of birth, contacts...) is shown only to caseworkers and administrators
of the person's team, only on request (the person page's "Show identity", the edit form), and
each such read is written to the audit trail, like each change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import CaseFilter, list_cases
from havenwatch.cases.custom_fields import FieldValue, fields_for_team, record_values
from havenwatch.cases.people import (
    IDENTITY_FIELDS,
    add_person,
    count_people,
    edit_person,
    get_person,
    list_people,
)
from havenwatch.core.clock import today
from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.core.dates import MAX_AGE, birth_year_from_age
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.core.model import Identity, Person
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import explain
from havenwatch.web.rendering import PageNumber, localise, pager, render

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]


@router.get("/people")
def people_list(request: Request, principal: Reader, page: PageNumber = 1) -> Response:
    db = database(request)
    pages = pager(request, count_people(db, scope=Scope.of(principal)), page)
    found = list_people(db, scope=Scope.of(principal), limit=pages.size, offset=pages.offset)
    return render(request, "people.html", {"people": found, "pager": pages})


def _person_fields(request: Request, principal: Principal, team: str) -> list[FieldDefinition]:
    """The fields the team defined for its people."""
    return fields_for_team(database(request), team, "person", scope=Scope.of(principal))


@router.get("/people/new")
def new_person_page(request: Request, principal: Editor) -> Response:
    fields = _person_fields(request, principal, principal.team)
    return render(
        request, "person_new.html", {"values": {}, "error": None, "custom_fields": fields}
    )


def person_from_form(form: Any, team: str) -> Person:
    return Person(
        pseudonym=forms.required(form, "pseudonym", limit=200),
        identity=Identity(
            full_name=forms.text(form, "full_name", limit=300),
            other_names=forms.lines(form, "other_names"),
            date_of_birth=forms.day(form, "date_of_birth"),
            contact=forms.text(form, "contact", limit=500),
            address=forms.text(form, "address", limit=500),
            document_numbers=forms.lines(form, "document_numbers"),
            notes=forms.text(form, "identity_notes"),
        ),
        nationality=forms.upper_code(form, "nationality"),
        gender=forms.text(form, "gender", limit=10),
        birth_year=_birth_year(form),
        family_affected_count=forms.integer(form, "family_affected_count", high=100) or 0,
        consent=forms.text(form, "consent", limit=20) or "none",
        risk_level=forms.text(form, "risk_level", limit=20) or "medium",
        team=team,
    )


def _birth_year(form: FormData) -> int | None:
    """The year of birth as given, or worked out from an age when only the age is known."""
    year = forms.integer(form, "birth_year", low=1900, high=2100)
    age = forms.integer(form, "age", low=0, high=MAX_AGE)
    return year if year is not None or age is None else birth_year_from_age(age, today())


@router.post("/people")
def create_person(request: Request, principal: Editor, form: Form) -> Response:
    localise(request)
    fields = _person_fields(request, principal, principal.team)
    try:
        person = add_person(
            database(request),
            person_from_form(form, principal.team),
            principal.actor,
            scope=Scope.of(principal),
            custom=forms.custom(form, fields),
        )
    except HavenwatchError as error:
        safe_values = {
            key: form.get(key)
            for key in ("pseudonym", "nationality", "gender", "birth_year", "consent", "risk_level")
        }
        shown = [f"custom_{field.key}" for field in fields if not field.identifying]
        safe_values.update({key: form.get(key) for key in shown})
        return render(
            request,
            "person_new.html",
            {"values": safe_values, "error": explain(error), "custom_fields": fields},
            status_code=400,
        )
    return RedirectResponse(f"/people/{person.id}", 303)


@router.get("/people/{person_id}")
def person_page(request: Request, principal: Reader, person_id: str) -> Response:
    db = database(request)
    reveal = request.query_params.get("identity") == "1" and principal.can(Capability.VIEW_IDENTITY)
    person = get_person(
        db, person_id, actor=principal.actor, with_identity=reveal, scope=Scope.of(principal)
    )
    person_cases = list_cases(
        db,
        CaseFilter(person_id=person_id),
        limit=200,
        scope=Scope.of(principal),
    )
    reader = principal.actor if reveal else None
    custom = record_values(db, "person", person_id, scope=Scope.of(principal), reader=reader)
    return render(
        request,
        "person.html",
        {"person": person, "cases": person_cases, "revealed": reveal, "custom": custom},
    )


# The working fields the person form edits (`family_relation` is not on it and is kept).
FORM_FIELDS = (
    "pseudonym",
    "nationality",
    "gender",
    "birth_year",
    "family_affected_count",
    "consent",
    "risk_level",
)


def _form_values(person: Person, custom: list[FieldValue]) -> dict[str, Any]:
    """What the edit form shows for a stored person (identity fields only when opened)."""
    identity = person.identity
    values: dict[str, Any] = {name: getattr(person, name) for name in FORM_FIELDS}
    values.update({f"custom_{item.field.key}": item.value for item in custom})
    values.update(
        full_name=identity.full_name,
        other_names="\n".join(identity.other_names),
        date_of_birth=identity.date_of_birth.isoformat() if identity.date_of_birth else "",
        contact=identity.contact,
        address=identity.address,
        document_numbers="\n".join(identity.document_numbers),
        identity_notes=identity.notes,
    )
    return values


def _edit_form(
    request: Request,
    principal: Principal,
    person: Person,
    values: dict[str, Any],
    error: str | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "person_edit.html",
        {
            "person": person,
            "values": values,
            "error": error,
            "identity": principal.can(Capability.VIEW_IDENTITY),
            "custom_fields": _editable_fields(request, principal, person.team),
        },
        status_code=status,
    )


def _editable_fields(request: Request, principal: Principal, team: str) -> list[FieldDefinition]:
    """The person fields this editor sees: identifying ones need the right to see identity."""
    fields = _person_fields(request, principal, team)
    if principal.can(Capability.VIEW_IDENTITY):
        return fields
    return [field for field in fields if not field.identifying]


@router.get("/people/{person_id}/edit")
def edit_person_page(request: Request, principal: Editor, person_id: str) -> Response:
    """The edit form; with the right to see identity, opening it is an audited identity read."""
    db, opened = database(request), principal.can(Capability.VIEW_IDENTITY)
    person = get_person(
        db, person_id, actor=principal.actor, with_identity=opened, scope=Scope.of(principal)
    )
    reader = principal.actor if opened else None
    custom = record_values(db, "person", person_id, scope=Scope.of(principal), reader=reader)
    return _edit_form(request, principal, person, _form_values(person, custom), None)


@router.post("/people/{person_id}")
def save_person(request: Request, principal: Editor, person_id: str, form: Form) -> Response:
    localise(request)
    db = database(request)
    person = get_person(db, person_id, actor=principal.actor, scope=Scope.of(principal))
    with_identity = principal.can(Capability.VIEW_IDENTITY)
    try:
        edited = person_from_form(form, person.team)
        edit_person(
            db,
            person_id,
            principal.actor,
            changes={name: getattr(edited, name) for name in FORM_FIELDS},
            identity_changes={name: getattr(edited.identity, name) for name in IDENTITY_FIELDS}
            if with_identity
            else None,
            custom_changes=forms.custom(form, _editable_fields(request, principal, person.team)),
            scope=Scope.of(principal),
        )
    except NotFoundError:
        raise
    except HavenwatchError as error:
        # What was typed is shown again, identity included: a blank identity field would
        # otherwise erase the stored value on the next submission.
        values = {key: value for key, value in form.items() if isinstance(value, str)}
        return _edit_form(request, principal, person, values, explain(error), 400)
    return RedirectResponse(f"/people/{person_id}", 303)
