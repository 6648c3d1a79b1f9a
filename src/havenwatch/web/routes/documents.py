"""Documents on a case: encrypted upload into the vault and audited download."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from havenwatch.access.permissions import Capability, Principal
from havenwatch.cases.case_files import get_case
from havenwatch.core.errors import HavenwatchError
from havenwatch.web import forms
from havenwatch.web.deps import Form, database, need
from havenwatch.web.i18n import _, explain

router = APIRouter()
Handler = Annotated[Principal, Depends(need(Capability.VIEW_DOCUMENTS))]
Editor = Annotated[Principal, Depends(need(Capability.EDIT_CASES))]


def case_documents(request: Request, principal: Principal, case_id: str) -> list[Any]:
    """The case's documents for those allowed to see them; nobody else learns they exist."""
    if not principal.can(Capability.VIEW_DOCUMENTS):
        return []
    from havenwatch.cases.vault import list_documents

    return list_documents(database(request), case_id, team_ids=principal.team_ids)


@router.post("/cases/{case_id}/documents")
def upload(request: Request, principal: Editor, case_id: str, form: Form) -> Response:
    from havenwatch.cases.vault import store_document
    from havenwatch.media.filetypes import MAX_DOCUMENT_BYTES
    from havenwatch.web.rendering import localise, render
    from havenwatch.web.routes.cases import case_context

    principal.require(Capability.VIEW_DOCUMENTS)
    localise(request)
    get_case(database(request), case_id, team_ids=principal.team_ids)
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
            event_id=forms.text(form, "event_id", limit=40),
        )
    except HavenwatchError as error:
        context = case_context(request, principal, case_id)
        return render(
            request,
            "case.html",
            {**context, "error": explain(error), "values": {}},
            status_code=400,
        )
    return RedirectResponse(f"/cases/{case_id}#documents", 303)


@router.get("/cases/{case_id}/documents/{document_id}")
def download(request: Request, principal: Handler, case_id: str, document_id: str) -> Response:
    from havenwatch.cases.vault import read_document
    from havenwatch.core.errors import NotFoundError

    document, content = read_document(
        database(request),
        request.app.state.settings,
        document_id,
        principal.actor,
        team_ids=principal.team_ids,
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
