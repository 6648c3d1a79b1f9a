"""Import and export: CSV or JSON in (with a dry-run preview), full or anonymised exports out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from havenwatch.cases.csv_import import import_csv_rows, parse_csv
from havenwatch.cases.errors import HavenwatchError
from havenwatch.cases.interchange import (
    dump_document,
    export_document,
    import_document,
    load_document,
)
from havenwatch.reports.public import anonymised_export
from havenwatch.security.permissions import Capability, Principal
from havenwatch.web import forms
from havenwatch.web.deps import Form, PagePrincipal, database, need
from havenwatch.web.i18n import _
from havenwatch.web.rendering import localise, render

router = APIRouter()
Importer = Annotated[Principal, Depends(need(Capability.IMPORT))]
FullExporter = Annotated[Principal, Depends(need(Capability.EXPORT_FULL))]
Exporter = Annotated[Principal, Depends(need(Capability.EXPORT_ANONYMISED))]
MAX_UPLOAD = 50 * 1024 * 1024


@router.get("/transfer")
def transfer_page(request: Request, principal: PagePrincipal) -> Response:
    if not (principal.can(Capability.IMPORT) or principal.can(Capability.EXPORT_ANONYMISED)):
        principal.require(Capability.IMPORT)
    return render(request, "transfer.html", {"result": None, "error": None})


def _saved_upload(form: Any, directory: Path) -> Path:
    upload = forms.upload(form, "file")
    if upload is None:
        raise HavenwatchError(_("Choose a CSV or JSON file."))
    data = upload.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HavenwatchError(_("The file is larger than 50 MB."))
    suffix = ".json" if (upload.filename or "").lower().endswith(".json") else ".csv"
    path = directory / f"upload{suffix}"
    path.write_bytes(data)
    return path


def _import(request: Request, principal: Principal, form: Any, directory: Path) -> dict[str, Any]:
    db = database(request)
    path = _saved_upload(form, directory)
    dry_run = form.get("dry_run") == "1"
    if path.suffix == ".json":
        principal.require(Capability.IMPORT_FULL)
        document = load_document(path)
        if dry_run:
            sections = ("users", "sources", "people", "cases", "events")
            return {"dry_run": True, "counts": {s: len(document.get(s) or []) for s in sections}}
        return {
            "dry_run": False,
            "counts": import_document(db, document, principal.actor, origin="web upload"),
        }
    rows = parse_csv(path, default_country=forms.upper_code(form, "country"))
    summary = import_csv_rows(
        db, rows, principal.actor, team=principal.team, dry_run=dry_run, origin="web upload"
    )
    counts = {
        "rows": summary.rows,
        "people": summary.people,
        "cases": summary.cases,
        "events": summary.events,
        "sources": summary.sources,
    }
    return {"dry_run": dry_run, "counts": counts, "warnings": summary.warnings}


@router.post("/transfer/import")
def run_import(request: Request, principal: Importer, form: Form) -> Response:
    localise(request)
    with tempfile.TemporaryDirectory(prefix="havenwatch-import-") as folder:
        try:
            result = _import(request, principal, form, Path(folder))
        except HavenwatchError as error:
            message = (
                str(error)
                .replace(folder, "")
                .replace("/upload.csv", "")
                .replace("/upload.json", "")
            )
            return render(
                request,
                "transfer.html",
                {"result": None, "error": message.strip(": ")},
                status_code=400,
            )
    return render(request, "transfer.html", {"result": result, "error": None})


@router.get("/transfer/export.json")
def full_export(request: Request, principal: FullExporter) -> Response:
    document = export_document(database(request), principal.actor)
    return Response(
        dump_document(document),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="havenwatch-export.json"'},
    )


@router.get("/transfer/anonymised.csv")
def anonymised_csv(request: Request, principal: Exporter) -> Response:
    release = anonymised_export(database(request), actor=principal.actor)
    return Response(
        release.to_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="havenwatch-anonymised.csv"'},
    )


@router.get("/transfer/anonymised.json")
def anonymised_json(request: Request, principal: Exporter) -> Response:
    release = anonymised_export(database(request), actor=principal.actor)
    return Response(
        release.to_json(),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="havenwatch-anonymised.json"'},
    )
