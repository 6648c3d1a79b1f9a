"""The statistics page: a team's counts of people, cases and events for any question, with a
chart, a table, and CSV and PNG downloads that all answer the same question."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.core.clock import today
from havenwatch.core.errors import ValidationError
from havenwatch.reports.charts import counts_chart_png
from havenwatch.reports.questions import (
    Answer,
    Question,
    answer,
    answer_csv,
    answer_rows,
    known_codes,
    parse_period,
)
from havenwatch.web import forms
from havenwatch.web.cache import TimedCache
from havenwatch.web.deps import database, need
from havenwatch.web.i18n import _
from havenwatch.web.labels import label
from havenwatch.web.rendering import localise, render

router = APIRouter()
ANSWERS = TimedCache(ttl=300.0)
Reader = Annotated[Principal, Depends(need(Capability.VIEW_CASES))]
FILTERS = ("period", "from", "to", "country", "event_type", "grounds", "nationality", "authority")


def question_from(request: Request) -> tuple[Question, str | None]:
    """The question the query string asks; a bad field is reported and this year is asked."""
    params = request.query_params
    codes = known_codes()

    def code(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value if value in codes[name] else None

    def country(name: str) -> str | None:
        value = (params.get(name) or "").strip().upper()
        return value if len(value) == 2 and value.isalpha() else None

    error = None
    try:
        first, last = _period(params.get("period"), params.get("from"), params.get("to"))
    except ValidationError:
        error = _("A period is a year (2025), a quarter (2025-Q2), a month (2025-03) or two dates.")
        first, last = date(today().year, 1, 1), date(today().year, 12, 31)
    question = Question(
        date_from=first,
        date_to=last,
        country=country("country"),
        event_type=code("event_type"),
        grounds=code("grounds"),
        nationality=country("nationality"),
        authority=code("authority"),
    )
    return question, error


def _period(period: str | None, start: str | None, end: str | None) -> tuple[date, date]:
    if start or end:
        first = forms.query_day(start, "from") or date(1900, 1, 1)
        last = forms.query_day(end, "to") or today()
        if last < first:
            raise ValidationError("period", "ends before it begins")
        return first, last
    return parse_period(period or str(today().year))


def _answer(request: Request, principal: Principal) -> tuple[Answer, str | None]:
    """The answer, computed once per question, team scope and state of the data.

    Counting a year of a large caseload takes seconds; the page, its CSV and its chart ask the
    same question, and a team asks the same few questions again and again.
    """
    question, error = question_from(request)
    db = database(request)
    scope = Scope.of(principal)
    found = ANSWERS.get(
        ("answer", id(db), scope, question),
        lambda: answer(db, question, scope=scope),
        version=db.changes(),
    )
    return found, error


def cases_link(result: Answer, event_type: str | None) -> str:
    """The case list narrowed to the cases behind a number."""
    question = result.question
    query = {
        "country": question.country or "",
        "event_type": event_type or question.event_type or "",
        "from": question.date_from.isoformat(),
        "to": question.date_to.isoformat(),
    }
    return "/cases?" + urlencode({key: value for key, value in query.items() if value})


@router.get("/statistics")
def statistics_page(request: Request, principal: Reader) -> Response:
    localise(request)
    result, error = _answer(request, principal)
    params = {name: request.query_params.get(name, "") for name in FILTERS}
    query = urlencode({key: value for key, value in params.items() if value})
    return render(
        request,
        "statistics.html",
        {
            "result": result,
            "rows": answer_rows(result),
            "error": error,
            "filters": params,
            "codes": known_codes(),
            "query": query,
            "cases_link": cases_link,
        },
    )


@router.get("/statistics.csv")
def statistics_csv(request: Request, principal: Reader) -> Response:
    localise(request)
    result, _error = _answer(request, principal)
    labels = {code: label("event_type", code) for code in result.by_type} | {"all": _("All")}
    return Response(
        answer_csv(result, labels),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="havenwatch-statistics.csv"'},
    )


@router.get("/statistics/chart.png")
def statistics_chart(request: Request, principal: Reader) -> Response:
    localise(request)
    result, _error = _answer(request, principal)
    rows = [
        (label("event_type", code), (counts.people, counts.cases, counts.events))
        for code, counts in answer_rows(result)
    ]
    png = counts_chart_png(rows, series=(_("People"), _("Cases"), _("Events")), x_label=_("Count"))
    return Response(png, media_type="image/png")
