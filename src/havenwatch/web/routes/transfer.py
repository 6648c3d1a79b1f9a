"""Import and export: CSV or JSON in (with a dry-run preview), full or anonymised exports out.

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
from havenwatch.cases.csv_import import import_csv_rows, parse_csv
from havenwatch.cases.interchange import (
    dump_document,
    export_document,
    import_document,
    load_document,
)
from havenwatch.core.errors import HavenwatchError, NotFoundError
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
from havenwatch.web.i18n import _
from havenwatch.web.rendering import localise, principal_of, render

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
        db,
        rows,
        principal.actor,
        team=principal.team,
        scope=Scope.of(principal),
        dry_run=dry_run,
        origin="web upload",
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
            return _transfer_page(request, error=message.strip(": "), status=400)
    return _transfer_page(request, result=result)


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
