"""The report page: the public report of the latest published release, as HTML or PDF.

A plain GET form (no script needed) whose answer is the file itself, downloaded: the report is
self-contained (its style inline, its charts as `data:` images), which this site's own content
security policy would not display inline, and it is meant to be handed on anyway.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.core.clock import today
from havenwatch.core.errors import ValidationError
from havenwatch.reports.language import LOCALES as REPORT_LOCALES
from havenwatch.reports.report import ReportRequest, month_range
from havenwatch.reports.report_document import FORMATS, NoReleaseError, public_report
from havenwatch.web.deps import database, need
from havenwatch.web.i18n import LOCALES, _, current
from havenwatch.web.rendering import localise, render

router = APIRouter()
Exporter = Annotated[Principal, Depends(need(Capability.EXPORT_ANONYMISED))]
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def _defaults() -> dict[str, str]:
    year = today().year - 1
    return {
        "from": f"{year - 1}-01",
        "to": f"{year}-12",
        "country": "",
        "language": current().locale,
        "format": "html",
    }


def _fields(request: Request) -> dict[str, str]:
    params = request.query_params
    return {name: (params.get(name) or value).strip() for name, value in _defaults().items()}


def _page(request: Request, fields: dict[str, str], error: str | None) -> Response:
    return render(
        request,
        "report.html",
        {
            "fields": fields,
            "error": error,
            "languages": [(code, LOCALES[code]) for code in REPORT_LOCALES],
            "formats": FORMATS,
        },
        status_code=400 if error else 200,
    )


@router.get("/report")
def report_page(request: Request, principal: Exporter) -> Response:
    localise(request)
    return _page(request, _fields(request), None)


@router.get("/report/download")
def report_download(request: Request, principal: Exporter) -> Response:
    """The report file; a bad field or a missing release answers the form, saying which."""
    localise(request)
    fields = _fields(request)
    country = fields["country"].upper()
    language = fields["language"] if fields["language"] in REPORT_LOCALES else current().locale
    output_format = fields["format"] if fields["format"] in FORMATS else "html"
    try:
        month_range(fields["from"], fields["to"])
        if country and not (len(country) == 2 and country.isalpha()):
            raise ValidationError.of("country", "value.country_code", value=country)
    except ValidationError:
        error = _(
            "Months are written YYYY-MM (2024-01), the period must not end before it begins, "
            "and a host country is a two-letter code (RS)."
        )
        return _page(request, fields, error)
    report_request = ReportRequest(fields["from"], fields["to"], country or None, language)
    try:
        document = public_report(database(request), report_request, output_format)
    except NoReleaseError:
        return _page(request, fields, _("No anonymised release has been published yet."))
    name = f"havenwatch-report-{fields['from']}-{fields['to']}-{language}.{output_format}"
    return Response(
        document,
        media_type=MEDIA[output_format],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
