"""Extraction of incidents from news reports (the extraction contract).

`extract_text` and `extract_document` return a typed `Extraction` (events and aggregates as
dataclasses, `extract/result.py`); its `to_contract()` is the object that
`shared/spec/extraction.md` describes, made where a result is printed or stored. The work
is done by a pipeline of small rule components (`pipeline.json`), each reading data from
the per-language lexicons, with a trained model choosing subjects (`extract/decisions.py`).
"""

from __future__ import annotations

from datetime import date

from havenwatch.monitor.extract.pipeline import analyse, extraction
from havenwatch.monitor.extract.result import (
    ExtractedAggregate,
    ExtractedEvent,
    Extraction,
    Subject,
)
from havenwatch.monitor.news import NewsItem


def extract_text(text: str, *, document: str, published: date | None = None) -> Extraction:
    """The typed result for one text."""
    return extraction(analyse(text, document=document, published=published))


def extract_document(doc: NewsItem) -> Extraction:
    """The typed result for one read document."""
    return extract_text(doc.text, document=doc.id, published=doc.published)


__all__ = [
    "ExtractedAggregate",
    "ExtractedEvent",
    "Extraction",
    "Subject",
    "extract_document",
    "extract_text",
]
