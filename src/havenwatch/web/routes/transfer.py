"""Import and export: CSV, Excel or JSON in, full or anonymised exports out.

A spreadsheet (CSV or XLSX) previewed first is kept sealed between the preview and the import
(`cases.pending_imports`): the preview page shows which field each column goes to (a built-in
field or one of the team's own, `cases.custom_fields`), as a choice the user can change
(JavaScript off), and row by row which person (by pseudonym) and case each
row matches or creates; "Import" imports the kept file with the columns as chosen.

Anonymised counts are served from the published, frozen releases (`reports.publication`):
the latest one and every earlier one, byte for byte as published. Only administrators, who
see every team's records anyway, compute them on demand or publish a new version.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.csv_export import events_csv
from havenwatch.cases.csv_import import CANONICAL_COLUMNS, REQUIRED
from havenwatch.cases.interchange import (
    dump_document,
    export_document,
    import_document,
    load_document,
)
from havenwatch.cases.pending_imports import forget_upload, keep_upload, open_upload
from havenwatch.cases.sheet_import import SheetImport, custom_column, import_sheet
from havenwatch.cases.vault import clean_filename
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.core.value_labels import column_label
from havenwatch.reports.public import anonymised_export
from havenwatch.reports.publication import (
    ReleaseVersion,
    latest_release,
    latest_shortfalls,
    list_releases,
    publish_release,
    release_version,
)
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.web import forms
from havenwatch.web.deps import Form, PagePrincipal, database, need
from havenwatch.web.i18n import _, explain
from havenwatch.web.rendering import localise, principal_of, render
from havenwatch.web.routes.fields import RECORD_LABELS

router = APIRouter()
Importer = Annotated[Principal, Depends(need(Capability.IMPORT))]
FullExporter = Annotated[Principal, Depends(need(Capability.EXPORT_FULL))]
Exporter = Annotated[Principal, Depends(need(Capability.EXPORT_ANONYMISED))]
LiveExporter = Annotated[Principal, Depends(need(Capability.EXPORT_ANONYMISED_LIVE))]
Publisher = Annotated[Principal, Depends(need(Capability.PUBLISH_RELEASE))]
MAX_UPLOAD = 50 * 1024 * 1024


@router.get("/transfer")
def transfer_page(request: Request, principal: PagePrincipal) -> Response:
    if not (principal.can(Capability.IMPORT) or principal.can(Capability.EXPORT_ANONYMISED)):
        principal.require(Capability.IMPORT)
    return _transfer_page(request)


def _transfer_page(
    request: Request,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    db = database(request)
    context: dict[str, Any] = {"result": result, "error": error, "releases": list_releases(db)}
    principal = principal_of(request)
    if principal is not None and principal.can(Capability.PUBLISH_RELEASE):
        context["shortfalls_total"], context["shortfalls"] = latest_shortfalls(db)
    return render(request, "transfer.html", context, status_code=status)


def _received(form: Any) -> tuple[bytes, str]:
    """The uploaded file and the name its user gave it."""
    upload = forms.upload(form, "file")
    if upload is None:
        raise HavenwatchError(_("Choose a CSV, Excel or JSON file."))
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HavenwatchError(_("The file is larger than 50 MB."))
    return data, clean_filename(upload.filename or "") or "upload"


def _import_json(request: Request, principal: Principal, data: bytes, dry_run: bool) -> Response:
    principal.require(Capability.IMPORT_FULL)
    db = database(request)
    with tempfile.TemporaryDirectory(prefix="havenwatch-import-") as folder:
        path = Path(folder) / "upload.json"
        path.write_bytes(data)
        document = load_document(path)
    if dry_run:
        sections = ("users", "sources", "people", "cases", "events")
        counts = {s: len(document.get(s) or []) for s in sections}
    else:
        counts = import_document(db, document, principal.actor, origin="web upload")
    return _transfer_page(request, result={"dry_run": dry_run, "counts": counts})


def _sheet(
    request: Request,
    principal: Principal,
    data: bytes,
    name: str,
    form: Any,
    *,
    chosen: dict[int, str] | None,
    dry_run: bool,
) -> SheetImport:
    return import_sheet(
        database(request),
        data,
        name,
        principal.actor,
        scope=Scope.of(principal),
        team=principal.team,
        chosen=chosen,
        default_country=forms.upper_code(form, "country"),
        dry_run=dry_run,
        origin="web upload",
    )


def _counts(outcome: SheetImport) -> dict[str, int]:
    summary = outcome.summary
    if summary is None:
        return {}
    return {
        "rows": summary.rows,
        "people": summary.people,
        "cases": summary.cases,
        "events": summary.events,
        "sources": summary.sources,
    }


def _preview_page(
    request: Request, outcome: SheetImport, ticket: str, country: str | None
) -> Response:
    principal = principal_of(request)
    locale = principal.locale if principal is not None else "en"
    context = {
        "outcome": outcome,
        "ticket": ticket,
        "country": country or "",
        "fields": [(name, column_label(name, locale)) for name in CANONICAL_COLUMNS],
        "custom_fields": [
            (custom_column(field), field.label(locale), _(RECORD_LABELS[field.applies_to]))
            for field in outcome.fields
        ],
        "required": REQUIRED,
        "counts": _counts(outcome),
        "error": explain(outcome.problem) if outcome.problem else None,
    }
    status = 400 if outcome.problem else 200
    return render(request, "import_preview.html", context, status_code=status)


@router.post("/transfer/import")
def run_import(request: Request, principal: Importer, form: Form) -> Response:
    localise(request)
    try:
        data, name = _received(form)
        dry_run = form.get("dry_run") == "1"
        if name.lower().endswith(".json"):
            return _import_json(request, principal, data, dry_run)
    except HavenwatchError as error:
        return _transfer_page(request, error=explain(error), status=400)
    if not dry_run:
        outcome = _sheet(request, principal, data, name, form, chosen=None, dry_run=False)
        if outcome.problem:
            return _transfer_page(request, error=explain(outcome.problem), status=400)
        result = {"dry_run": False, "counts": _counts(outcome)}
        return _transfer_page(request, result=result)
    ticket = keep_upload(request.app.state.settings, data, name, principal.actor)
    outcome = _sheet(request, principal, data, name, form, chosen=None, dry_run=True)
    return _preview_page(request, outcome, ticket, forms.upper_code(form, "country"))


def _chosen(form: Any) -> dict[int, str]:
    """The field chosen for each column (`column-<n>`); "" leaves the column out."""
    chosen: dict[int, str] = {}
    for key, value in form.multi_items():
        if key.startswith("column-") and key[7:].isdigit() and isinstance(value, str):
            chosen[int(key[7:])] = value.strip()[:120]
    return chosen


@router.post("/transfer/import/preview")
def preview_import(request: Request, principal: Importer, form: Form) -> Response:
    """Preview the kept file again with the columns as chosen, or import it."""
    localise(request)
    settings = request.app.state.settings
    ticket = forms.text(form, "ticket", limit=100) or ""
    try:
        data, name = open_upload(settings, ticket, principal.actor)
    except HavenwatchError as error:
        return _transfer_page(request, error=explain(error), status=400)
    importing = form.get("action") == "import"
    outcome = _sheet(
        request, principal, data, name, form, chosen=_chosen(form), dry_run=not importing
    )
    if importing and outcome.problem is None:
        forget_upload(settings, ticket)
        return _transfer_page(request, result={"dry_run": False, "counts": _counts(outcome)})
    return _preview_page(request, outcome, ticket, forms.upper_code(form, "country"))


@router.get("/transfer/export.csv")
def full_export_csv(request: Request, principal: FullExporter) -> Response:
    """Every event as a spreadsheet in the user's language, which imports back unchanged."""
    document = export_document(database(request), principal.actor)
    return Response(
        events_csv(document, locale=principal.locale),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="havenwatch-events.csv"'},
    )


@router.get("/transfer/export.json")
def full_export(request: Request, principal: FullExporter) -> Response:
    document = export_document(database(request), principal.actor)
    return Response(
        dump_document(document),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="havenwatch-export.json"'},
    )


def _download(release: AnonymisedRelease | ReleaseVersion, name: str, suffix: str) -> Response:
    if suffix == "csv":
        body, media = release.to_csv(), "text/csv; charset=utf-8"
    else:
        body, media = release.to_json(), "application/json"
    disposition = f'attachment; filename="{name}.{suffix}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})


def _latest(request: Request) -> ReleaseVersion:
    published = latest_release(database(request))
    if published is None:
        raise NotFoundError("no anonymised release has been published yet")
    return published


@router.get("/transfer/anonymised.csv")
def anonymised_csv(request: Request, principal: Exporter) -> Response:
    return _download(_latest(request), "havenwatch-anonymised", "csv")


@router.get("/transfer/anonymised.json")
def anonymised_json(request: Request, principal: Exporter) -> Response:
    return _download(_latest(request), "havenwatch-anonymised", "json")


@router.get("/transfer/releases/{version}.{suffix}")
def release_download(request: Request, principal: Exporter, version: int, suffix: str) -> Response:
    if suffix not in ("csv", "json") or not 0 < version < 2**31:
        raise NotFoundError("no such release")
    published = release_version(database(request), version)
    return _download(published, f"havenwatch-anonymised-v{version}", suffix)


@router.get("/transfer/anonymised-live.{suffix}")
def anonymised_live(request: Request, principal: LiveExporter, suffix: str) -> Response:
    if suffix not in ("csv", "json"):
        raise NotFoundError("no such format")
    release = anonymised_export(database(request), actor=principal.actor)
    return _download(release, "havenwatch-anonymised-live", suffix)


@router.post("/transfer/releases")
def publish(request: Request, principal: Publisher, form: Form) -> Response:
    publish_release(database(request), actor=principal.actor)
    return RedirectResponse("/transfer", 303)
