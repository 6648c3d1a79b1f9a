"""Rule-based extraction of incidents from news reports (the extraction contract).

`extract_text` and `extract_document` return exactly the object that
`shared/spec/extraction.md` describes. The work is done by a pipeline of small
components (`pipeline.json`), each reading data from the per-language lexicons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from havenwatch.monitor.documents import Document
from havenwatch.monitor.extract.pipeline import analyse, contract_object


def extract_text(text: str, *, document: str, published: date | None = None) -> dict[str, Any]:
    """The contract object for one text."""
    return contract_object(analyse(text, document=document, published=published))


def extract_document(doc: Document) -> dict[str, Any]:
    """The contract object for one read document."""
    return extract_text(doc.text, document=doc.id, published=doc.published)


__all__ = ["extract_document", "extract_text"]
