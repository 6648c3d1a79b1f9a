"""Read news reports into `Document`s: plain text, HTML pages, JSON lines, stdin.

Every input problem a user can cause (a missing file, a binary or undecodable file, an empty
document, a malformed JSON line) becomes a `ReadError` with a one-line message naming the
file, so a batch run reports it and carries on with the other inputs.

HTML is reduced to its main text with trafilatura, which keeps lxml parsers in module
globals and is not thread-safe: call `read_documents` from one thread only.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
STDIN = "-"
PUBLISHED_LINE = re.compile(r"\A\s*Published:\s*(\d{4}-\d{2}-\d{2})[^\n]*\n?", re.IGNORECASE)
ISO_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
BINARY_SAMPLE = 8192
HTML_SNIFF = re.compile(r"\A\s*(?:<!doctype html|<html|<head|<body)", re.IGNORECASE)
DATE_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='date']/@content",
    "//meta[@name='dc.date']/@content",
    "//meta[@name='DC.date.issued']/@content",
    "//time[@itemprop='datePublished']/@datetime",
    "//time[@datetime]/@datetime",
)


@dataclass(frozen=True)
class Document:
    """One report to extract from; `published` anchors relative dates ("on Tuesday")."""

    id: str
    text: str
    published: date | None = None
    title: str | None = None
    url: str | None = None
    language_hint: str | None = None


@dataclass(frozen=True)
class ReadError:
    """An input that could not be read; `message` is one line and names the file."""

    source: str
    message: str


def read_documents(paths: Iterable[str]) -> Iterator[Document | ReadError]:
    """Documents from each path in order; a JSON-lines file yields one per line."""
    for path in paths:
        yield from _read_source(path)


def document_from_text(text: str, *, id: str, published: date | None = None) -> Document:
    """A document from plain text; a first line `Published: YYYY-MM-DD` sets the date."""
    match = PUBLISHED_LINE.match(text)
    if match:
        text = text[match.end() :]
        published = published or _parse_iso_date(match.group(1))
    return Document(id=id, text=text.strip("\ufeff\n\r "), published=published)


def _read_source(path: str) -> Iterator[Document | ReadError]:
    try:
        raw = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        yield ReadError(path, f"{path}: no such file")
        return
    except IsADirectoryError:
        yield ReadError(path, f"{path}: is a directory")
        return
    except OSError as error:
        yield ReadError(path, f"{path}: cannot read ({error.strerror or type(error).__name__})")
        return
    text = _decode(raw)
    if text is None:
        yield ReadError(path, f"{path}: binary or undecodable content (expected UTF-8 text)")
        return
    yield from _documents_in(path, text)


def _decode(raw: bytes) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in raw[:BINARY_SAMPLE]:
        return None
    else:
        encodings = ("utf-8-sig",)
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _documents_in(path: str, text: str) -> Iterator[Document | ReadError]:
    suffix = Path(path).suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        yield from _json_lines(path, text)
        return
    if suffix in HTML_SUFFIXES or (suffix not in {".txt", ".text"} and HTML_SNIFF.match(text)):
        yield _checked(path, _html_document(path, text))
        return
    yield _checked(path, document_from_text(text, id=path))


def _checked(path: str, document: Document) -> Document | ReadError:
    if not document.text.strip():
        return ReadError(path, f"{path}: empty document")
    return document


def _json_lines(path: str, text: str) -> Iterator[Document | ReadError]:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        yield ReadError(path, f"{path}: empty document")
    for number, line in lines:
        yield _json_line_document(path, number, line)


def _json_line_document(path: str, number: int, line: str) -> Document | ReadError:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return ReadError(path, f"{where}: invalid JSON ({error.msg})")
    except RecursionError:
        return ReadError(path, f"{where}: invalid JSON (nested too deeply)")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return ReadError(path, f'{where}: expected an object with a "text" string')
    document = document_from_text(
        record["text"],
        id=str(record.get("id") or where),
        published=_parse_iso_date(record.get("published")),
    )
    document = Document(
        id=document.id,
        text=document.text,
        published=document.published,
        title=_optional_string(record.get("title")),
        url=_optional_string(record.get("url")),
        language_hint=_optional_string(record.get("language")),
    )
    return _checked(where, document)


def document_from_html(origin: str, html: str) -> Document:
    """A fetched HTML page reduced to its main text (trafilatura), title and publication date."""
    return _html_document(origin, html)


def _html_document(path: str, html: str) -> Document:
    # local import: trafilatura loads only when an HTML page is read
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    fields: dict[str, Any] = {}
    if isinstance(extracted, dict):
        fields = extracted
    elif extracted is not None:
        fields = extracted.as_dict()
    published = _html_publication_date(html) or _parse_iso_date(fields.get("date"))
    body = fields.get("text") or ""
    return Document(
        id=path,
        text=body.strip(),
        published=published,
        title=_optional_string(fields.get("title")),
        url=_optional_string(fields.get("url")),
        language_hint=_optional_string(fields.get("language")),
    )


def _html_publication_date(html: str) -> date | None:
    """The publication date declared in the page's metadata, before any guessing."""
    # local import: lxml's parsers load only when an HTML page is read
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, SyntaxError, etree.ParserError):
        return None
    for xpath in DATE_XPATHS:
        for value in tree.xpath(xpath):
            published = _parse_iso_date(str(value))
            if published:
                return published
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        published = _json_ld_date(str(script))
        if published:
            return published
    return None


def _json_ld_date(script: str) -> date | None:
    try:
        data = json.loads(script)
    except (json.JSONDecodeError, RecursionError):
        return None
    for item in _json_ld_items(data):
        published = _parse_iso_date(item.get("datePublished"))
        if published:
            return published
    return None


def _json_ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for element in data:
            yield from _json_ld_items(element)
    elif isinstance(data, dict):
        yield data
        yield from _json_ld_items(data.get("@graph", []))


def _parse_iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    match = ISO_DATE_PREFIX.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _optional_string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
