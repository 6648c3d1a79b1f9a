"""The words of an uploaded document, so it can be found by a word inside it.

- PDF: the text layer of each page (pypdf), at most `MAX_PAGES` pages. A scan without a text
  layer gives nothing: optical character recognition is not done (no OCR engine or model is
  part of havenwatch).
- Word (DOCX): the paragraphs of the body, headers, footers, footnotes and comments.
- OpenDocument text (ODT): the paragraphs and headings of `content.xml`.
- Plain text: the text itself.
- Photos and recordings: nothing.

Extraction never refuses an upload: a part that cannot be read gives no text, and the file is
stored as it would have been. The XML parts are parsed without entities, DTDs or network
access, and the text kept is at most `MAX_TEXT_CHARS` characters. What is returned is
plaintext: the caller seals it and keeps only keyed hashes of its words in the clear.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from havenwatch.media.filetypes import DOCX, ODT, PDF, TEXT, FileKind

logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_TEXT_CHARS = 1_000_000
MAX_PAGES = 2000
MAX_PART_BYTES = 64 * 1024 * 1024
WORD_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
PARAGRAPHS = {f"{WORD_NS}p", f"{ODF_TEXT_NS}p", f"{ODF_TEXT_NS}h"}
SPACES = {f"{WORD_NS}tab", f"{WORD_NS}br", f"{ODF_TEXT_NS}s", f"{ODF_TEXT_NS}tab"}
WORD_TEXT = f"{WORD_NS}t"


def extract_text(data: bytes, kind: FileKind) -> str:
    """The text of `data` (of the sniffed `kind`); empty when it has none that can be read."""
    try:
        if kind == PDF:
            text = _pdf_text(data)
        elif kind == DOCX:
            text = _zip_text(data, [n for n in _names(data) if WORD_PARTS.match(n)])
        elif kind == ODT:
            text = _zip_text(data, ["content.xml"])
        elif kind == TEXT:
            text = data.decode("utf-8", errors="replace")
        else:
            text = ""
    except (PyPdfError, etree.LxmlError, zipfile.BadZipFile, OSError, ValueError, KeyError):
        text = ""
    return text[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    pages: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        try:
            pages.append(page.extract_text() or "")
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            continue
        size += len(pages[-1])
        if size >= MAX_TEXT_CHARS:
            break
    return "\n".join(pages)


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sorted(archive.namelist(), key=lambda name: name != "word/document.xml")


def _zip_text(data: bytes, names: list[str]) -> str:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    texts: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in names:
            if archive.getinfo(name).file_size > MAX_PART_BYTES:
                continue
            root = etree.fromstring(archive.read(name), parser)
            texts.append(_element_text(root))
    return "\n".join(text for text in texts if text)


def _element_text(root: etree._Element) -> str:
    """Paragraphs on lines of their own; tabs, breaks and spaces as spaces."""
    parts: list[str] = []
    _walk(root, parts)
    return "".join(parts).strip()


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in PARAGRAPHS:
        parts.append("\n")
    elif tag in SPACES:
        parts.append(" ")
    if element.text and (tag == WORD_TEXT or tag.startswith(ODF_TEXT_NS)):
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail and tag.startswith(ODF_TEXT_NS):
            parts.append(child.tail)
