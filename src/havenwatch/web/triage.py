"""The review queue's triage list and the correction form, for `web.routes.leads`.

The list's filters are GET parameters (status, type, country, outlet, language, match, date
range), so a filtered list is a link and works with JavaScript off; a bad value is one line
in the reader's language and that filter is left out. The name read in the report is shown
only to roles that may see identities.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.core.vocabulary import vocabulary
from havenwatch.monitor.leads import STATUSES, Lead
from havenwatch.monitor.review import (
    SORTS,
    Correction,
    LeadFilter,
    TriageCursor,
    decided_case,
    extracted,
    next_pending,
    page_of_triage,
    pseudonyms,
)
from havenwatch.store.database import Database
from havenwatch.web import forms
from havenwatch.web.deps import database
from havenwatch.web.i18n import N_, _
from havenwatch.web.rendering import PAGE_SIZE, counting_limit, localise, pager, render

ALL = "all"
LANGUAGES = ("en", "ru", "sr")
MATCHES = {"yes": True, "no": False}
COUNTRY = re.compile(r"^[A-Za-z]{2}$")
FILTER_KEYS = ("status", "type", "country", "outlet", "language", "match", "from", "to", "sort")
SORT_LABELS = {
    "newest": N_("Newest first"),
    "date": N_("Event date, latest first"),
    "type": N_("Event type"),
    "language": N_("Language"),
    "match": N_("Your people's matches first"),
}
FIELD_ERRORS = {
    "event_type": N_("Choose an event type from the list."),
    "country": N_("The country is a two-letter code, such as RS."),
    "event_date": N_("Write the date as 2024-05-03, 2024-05 or 2024."),
    "authority": N_("Choose an authority from the list."),
    "grounds": N_("Choose grounds from the list."),
    "deadline_days": N_("The days to act are a whole number from 0 to 3650."),
    "nationality": N_("The nationality is a two-letter code, such as RU."),
    "gender": N_("Choose a gender from the list."),
    "age": N_("The age is a whole number from 0 to 120."),
    "reason": N_("Say why the leads are rejected."),
    "leads": N_("Tick at least one lead."),
    "from": N_("Write the first day as 2024-05-03."),
    "to": N_("Write the last day as 2024-05-03."),
    "sort": N_("Choose an order from the list."),
}


class ShownError(HavenwatchError):
    """A refusal already worded for the reader, in their language."""


def shown(error: ValidationError) -> ShownError:
    message = FIELD_ERRORS.get(error.field)
    return ShownError(_(message) if message else str(error))


def read_filter(request: Request) -> tuple[LeadFilter, dict[str, str], ShownError | None]:
    """The filter the query string asks for, the values to show back, and a refusal if any."""
    params = {key: (request.query_params.get(key) or "").strip()[:200] for key in FILTER_KEYS}
    status = params["status"] or "new"
    values = {**params, "status": status if status in (*STATUSES, ALL) else "new"}
    error: ShownError | None = None
    country = params["country"].upper()
    if country and not COUNTRY.match(country):
        error, country = shown(ValidationError("country", "")), ""
    days: dict[str, str | None] = {}
    for key in ("from", "to"):
        try:
            days[key] = date.fromisoformat(params[key]).isoformat() if params[key] else None
        except ValueError:
            error, days[key] = shown(ValidationError(key, "")), None
    sort = params["sort"] or "newest"
    if sort not in SORTS:
        error, sort = shown(ValidationError("sort", "")), "newest"
    event_type = params["type"] if params["type"] in vocabulary().event_types else None
    wanted = LeadFilter(
        status=None if values["status"] == ALL else values["status"],
        event_type=event_type,
        country=country or None,
        outlet=params["outlet"] or None,
        language=params["language"] if params["language"] in LANGUAGES else None,
        matched=MATCHES.get(params["match"]),
        date_from=days["from"],
        date_to=days["to"],
        sort=sort,
    )
    shown_sort = "" if sort == "newest" else sort  # the default order stays out of links
    return wanted, {**values, "country": country, "sort": shown_sort}, error


def triage_page(
    request: Request, principal: Principal, page: int, *, error: HavenwatchError | None
) -> Response:
    localise(request)
    db = database(request)
    wanted, values, refusal = read_filter(request)
    error = error if error is None or isinstance(error, ShownError) else _refusal(error)
    scope = Scope.of(principal)
    limit = counting_limit(page)
    listed = page_of_triage(
        db,
        wanted,
        scope=scope,
        offset=(max(1, page) - 1) * PAGE_SIZE,
        size=PAGE_SIZE,
        count_until=limit,
        after=_cursor(request.query_params.get("after")),
    )
    found = listed.leads
    pages = pager(
        request,
        listed.matching,
        listed.offset // PAGE_SIZE + 1,
        exact=listed.matching < limit,
        next_cursor=listed.next_cursor.text() if listed.next_cursor else None,
    )
    context = {
        "leads": found,
        "pager": pages,
        "filters": values,
        "statuses": (*STATUSES, ALL),
        "languages": LANGUAGES,
        "sorts": SORT_LABELS,
        "names": principal.can(Capability.VIEW_IDENTITY),
        "people": _candidates(db, found, principal),
        "error": str(error or refusal or "") or None,
        "back": urlencode([(key, value) for key, value in values.items() if value]),
    }
    status = 400 if error or refusal else 200
    return render(request, "leads.html", context, status_code=status)


def _cursor(text: str | None) -> TriageCursor | None:
    """The list's `after=` cursor; one that is not a cursor is a 400, like a bad page number."""
    cursor = TriageCursor.parse(text[:200]) if text else None
    if text and cursor is None:
        raise HTTPException(400)
    return cursor


def _refusal(error: HavenwatchError) -> ShownError:
    return shown(error) if isinstance(error, ValidationError) else ShownError(str(error))


def _candidates(db: Database, found: list[Lead], principal: Principal) -> dict[str, str]:
    wanted = [lead.candidate_person_id for lead in found if lead.candidate_person_id]
    return pseudonyms(db, wanted, scope=Scope.of(principal))


def posted_correction(form: FormData, lead: Lead, principal: Principal) -> Correction | None:
    """The reviewer's corrected fields (None when the form carried none: accept as read)."""
    if form.get("event_type") is None:
        return None
    try:
        name = forms.text(form, "subject_name", limit=200)
        return Correction(
            subject_name=name if principal.can(Capability.VIEW_IDENTITY) else lead.subject_name,
            event_type=forms.text(form, "event_type", limit=40) or "",
            event_date=_typed_day(form),
            country=forms.text(form, "country", limit=10),
            authority=forms.text(form, "authority", limit=40),
            grounds=forms.text(form, "grounds", limit=40),
            deadline_days=forms.integer(form, "deadline_days", high=3650),
            **_subject_fields(form, lead),
        )
    except ValidationError as error:
        raise shown(error) from error


def _subject_fields(form: FormData, lead: Lead) -> dict[str, Any]:
    """The subject's nationality, gender and age as posted; a field the form did not carry
    at all (an older form) stays as the extractor read it."""
    subject = extracted(lead)
    return {
        "nationality": forms.text(form, "nationality", limit=10)
        if "nationality" in form
        else subject.nationality,
        "gender": forms.text(form, "gender", limit=20) if "gender" in form else subject.gender,
        "age": forms.integer(form, "age", high=120) if "age" in form else subject.age,
    }


def decision_links(db: Database, principal: Principal, lead: Lead) -> dict[str, Any]:
    """Where a decided lead went (its case) and the next lead to review."""
    scope = Scope.of(principal)
    return {
        "decided_case": decided_case(db, lead, scope=scope),
        "next_lead": next_pending(db, lead.id, scope=scope),
    }


def safe_query(back: str) -> str:
    """The list's filters to return to, rebuilt from known keys only."""
    kept = [(key, value[:200]) for key, value in parse_qsl(back) if key in FILTER_KEYS]
    return urlencode(kept)


def _typed_day(form: FormData) -> str | None:
    """The corrected date as typed in the reader's format ("3 Mar 2025", "03.03.2025."),
    kept as the canonical text the lead stores."""
    typed = forms.fuzzy(form, "event_date")
    return typed.text if typed else None
