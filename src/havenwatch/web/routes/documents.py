"""Documents on a case: encrypted upload into the vault and audited download."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.vault import read_document, store_document
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.media.filetypes import MAX_DOCUMENT_BYTES
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _
from havenwatch.web.rendering import localise, render
from havenwatch.web.routes.cases import case_context

router = APIRouter()
Handler = Annotated[Principal, Depends(need(Capability.VIEW_DOCUMENTS))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]


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
        store_document(
            database(request),
            request.app.state.settings,
            case_id=case_id,
            filename=file.filename or "document",
            data=data,
            actor=principal.actor,
            scope=Scope.of(principal),
            event_id=forms.text(form, "event_id", limit=40),
        )
    except HavenwatchError as error:
        context = case_context(request, principal, case_id)
        return render(
            request, "case.html", {**context, "error": str(error), "values": {}}, status_code=400
        )
    return RedirectResponse(f"/cases/{case_id}#documents", 303)


@router.get("/cases/{case_id}/documents/{document_id}")
def download(request: Request, principal: Handler, case_id: str, document_id: str) -> Response:
    document, content = read_document(
        database(request),
        request.app.state.settings,
        document_id,
        principal.actor,
        scope=Scope.of(principal),
    )
    if document.case_id != case_id:
        raise NotFoundError(f"no document {document_id}")
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(document.filename)}",
        },
    )
