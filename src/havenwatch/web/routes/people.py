"""People: the list, the new-person form, and the person page with their cases.

Identity (names, date of birth, contacts...) is shown only to caseworkers and administrators
of the person's team, only on request, and each such read is written to the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.cases.case_files import CaseFilter, list_cases
from havenwatch.cases.errors import HavenwatchError
from havenwatch.cases.model import Identity, Person
from havenwatch.cases.people import add_person, count_people, get_person, list_people
from havenwatch.security.permissions import Capability, Principal
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.rendering import pager, render

router = APIRouter()
Reader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]


@router.get("/people")
def people_list(request: Request, principal: Reader, page: int = 1) -> Response:
    db = database(request)
    pages = pager(request, count_people(db, team_ids=principal.team_ids), page)
    found = list_people(db, team_ids=principal.team_ids, limit=pages.size, offset=pages.offset)
    return render(request, "people.html", {"people": found, "pager": pages})


@router.get("/people/new")
def new_person_page(request: Request, principal: Editor) -> Response:
    return render(request, "person_new.html", {"values": {}, "error": None})


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
        birth_year=forms.integer(form, "birth_year", low=1900, high=2100),
        family_affected_count=forms.integer(form, "family_affected_count", high=100) or 0,
        consent=forms.text(form, "consent", limit=20) or "none",
        risk_level=forms.text(form, "risk_level", limit=20) or "medium",
        team=team,
    )


@router.post("/people")
def create_person(request: Request, principal: Editor, form: Form) -> Response:
    try:
        person = add_person(
            database(request), person_from_form(form, principal.team), principal.actor
        )
    except HavenwatchError as error:
        safe_values = {
            key: form.get(key)
            for key in ("pseudonym", "nationality", "gender", "birth_year", "consent", "risk_level")
        }
        return render(
            request,
            "person_new.html",
            {"values": safe_values, "error": str(error)},
            status_code=400,
        )
    return RedirectResponse(f"/people/{person.id}", 303)


@router.get("/people/{person_id}")
def person_page(request: Request, principal: Reader, person_id: str) -> Response:
    db = database(request)
    reveal = request.query_params.get("identity") == "1" and principal.can(Capability.VIEW_IDENTITY)
    person = get_person(
        db, person_id, actor=principal.actor, with_identity=reveal, team_ids=principal.team_ids
    )
    person_cases = list_cases(
        db, CaseFilter(person_id=person_id, team_ids=principal.team_ids), limit=200
    )
    return render(
        request, "person.html", {"person": person, "cases": person_cases, "revealed": reveal}
    )
