"""Documents on a case: encrypted upload into the vault, the evidence page, audited downloads.

An upload says what the document is (type, the day it bears, the events it proves) and
whether to keep the original as received; the case page it returns to confirms what metadata
was removed and whether its text was read (`cases.upload_notice`). The document's page shows
both SHA-256 hashes, that report and its chain of custody, and offers the original to roles
allowed to download it.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.events import list_events
from havenwatch.cases.vault import (
    Evidence,
    read_document,
    read_original,
    store_document,
    upload_report,
    view_document,
)
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.core.model import Document, UploadReport
from havenwatch.media.filetypes import MAX_DOCUMENT_BYTES
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _, explain
from havenwatch.web.rendering import localise, render
from havenwatch.web.routes.cases import case_context

router = APIRouter()
Handler = Annotated[Principal, Depends(need(Capability.VIEW_DOCUMENTS))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]
OriginalReader = Annotated[Principal, Depends(need(Capability.DOWNLOAD_ORIGINALS))]


@router.post("/cases/{case_id}/documents")
def upload(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    principal.require(Capability.VIEW_DOCUMENTS)
    localise(request)
    get_case(database(request), case_id, scope=Scope.of(principal))
    file = forms.upload(form, "document")
    try:
        if file is None:
            raise HavenwatchError(_("Choose a file to upload."))
        data = file.file.read(MAX_DOCUMENT_BYTES + 1)
        stored = store_document(
            database(request),
            request.app.state.settings,
            case_id=case_id,
            filename=file.filename or "document",
            data=data,
            actor=principal.actor,
            scope=Scope.of(principal),
            event_id=forms.text(form, "event_id", limit=40),
            evidence=_evidence(form),
        )
    except HavenwatchError as error:
        context = case_context(request, principal, case_id)
        return render(
            request,
            "case.html",
            {**context, "error": explain(error), "values": {}},
            status_code=400,
        )
    report = stored.report or UploadReport()
    notice = {"uploaded": stored.id, "removed": ",".join(report.removed), "text": report.text or ""}
    if report.detected:
        notice["detected"] = "1"
    if report.converted_from:
        notice["converted"] = report.converted_from
    return RedirectResponse(f"/cases/{case_id}?{urlencode(notice)}#documents", 303)


def _evidence(form: FormData) -> Evidence:
    linked = [value for value in form.getlist("event_ids") if isinstance(value, str) and value]
    return Evidence(
        document_type=forms.text(form, "document_type", limit=40),
        document_date=forms.day(form, "document_date"),
        event_ids=tuple(value[:40] for value in linked[:100]),
        keep_original=form.get("keep_original") == "1",
    )


@router.get("/cases/{case_id}/documents/{document_id}/about")
def about(request: Request, principal: Handler, case_id: str, document_id: str) -> Response:
    """The evidence page: what the document is, both hashes, linked events, chain of custody."""
    db = database(request)
    scope = Scope.of(principal)
    get_case(db, case_id, scope=scope)
    document, custody = view_document(db, document_id, principal.actor, scope=scope)
    if document.case_id != case_id:
        raise NotFoundError(f"no document {document_id}")
    timeline = {event.id: event for event in list_events(db, case_id, scope=scope)}
    context = {
        "case_id": case_id,
        "document": document,
        "custody": custody,
        "report": upload_report(custody),
        "linked": [timeline[event_id] for event_id in document.event_ids if event_id in timeline],
    }
    return render(request, "document.html", context)


@router.get("/cases/{case_id}/documents/{document_id}/original")
def original(
    request: Request, principal: OriginalReader, case_id: str, document_id: str
) -> Response:
    """The file exactly as uploaded, for coordinators and lawyers; every download audited."""
    principal.require(Capability.VIEW_DOCUMENTS)
    document, content = read_original(
        database(request),
        request.app.state.settings,
        document_id,
        principal.actor,
        scope=Scope.of(principal),
    )
    return _attachment(document, content, case_id, "original-" + document.filename)


@router.get("/cases/{case_id}/documents/{document_id}")
def download(request: Request, principal: Handler, case_id: str, document_id: str) -> Response:
    document, content = read_document(
        database(request),
        request.app.state.settings,
        document_id,
        principal.actor,
        scope=Scope.of(principal),
    )
    return _attachment(document, content, case_id, document.filename)


def _attachment(document: Document, content: bytes, case_id: str, filename: str) -> Response:
    """The file as a download, only under the case it belongs to (another case's id: a 404)."""
    if document.case_id != case_id:
        raise NotFoundError(f"no document {document.id}")
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
