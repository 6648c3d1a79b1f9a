"""The words of an uploaded document, so it can be found by a word inside it.

- PDF: the text layer of each page (pypdf), at most `MAX_PAGES` pages. Pages without one (a
  scan) are read by OCR when Debian's tesseract is installed (`media.ocr`).
- Word (DOCX): the paragraphs of the body, headers, footers, footnotes and comments.
- OpenDocument text (ODT): the paragraphs and headings of `content.xml`.
- Plain text: the text itself.
- Photos (a scanned letter, a phone picture of a decision): OCR, when tesseract is installed.
- Recordings: nothing.

`read_text` also says how the text was read (`TextReading.method`): from the file, by OCR, or
not at all because OCR was needed and tesseract is not installed (or failed), so the upload
page can say so.

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
from dataclasses import dataclass

from lxml import etree
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from havenwatch.media.filetypes import DOCX, ODT, PDF, TEXT, FileKind
from havenwatch.media.ocr import (
    MAX_OCR_PAGES,
    OcrFailed,
    Tesseract,
    find_tesseract,
    render_pdf_page,
)

logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_TEXT_CHARS = 1_000_000
MAX_PAGES = 2000
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_SCANS_PER_PAGE = 4
WORD_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
PARAGRAPHS = {f"{WORD_NS}p", f"{ODF_TEXT_NS}p", f"{ODF_TEXT_NS}h"}
SPACES = {f"{WORD_NS}tab", f"{WORD_NS}br", f"{ODF_TEXT_NS}s", f"{ODF_TEXT_NS}tab"}
WORD_TEXT = f"{WORD_NS}t"
# How a document's text was read (`TextReading.method`).
READ = "read"
OCR = "ocr"
OCR_UNAVAILABLE = "ocr_unavailable"
OCR_FAILED = "ocr_failed"
NOTHING = "none"


@dataclass(frozen=True)
class TextReading:
    """A document's text and how it was read (one of the constants above)."""

    text: str
    method: str


def extract_text(data: bytes, kind: FileKind) -> str:
    """The text of `data` (of the sniffed `kind`); empty when it has none that can be read."""
    return read_text(data, kind).text


def read_text(data: bytes, kind: FileKind) -> TextReading:
    """The text of `data` and how it was read; OCR only where the file has no text layer."""
    if kind.is_image:
        reading = _image_text(data, find_tesseract())
    elif kind == PDF:
        reading = _pdf_reading(data)
    else:
        text = _layer_text(data, kind)
        reading = TextReading(text, READ if kind in (DOCX, ODT, TEXT) else NOTHING)
    return TextReading(reading.text[:MAX_TEXT_CHARS], reading.method)


def _image_text(data: bytes, tesseract: Tesseract | None) -> TextReading:
    if tesseract is None:
        return TextReading("", OCR_UNAVAILABLE)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return TextReading(tesseract.read_image(image), OCR)
    except (OcrFailed, OSError, ValueError, Image.DecompressionBombError):
        return TextReading("", OCR_FAILED)


def _pdf_reading(data: bytes) -> TextReading:
    """The text layer; pages without one read by OCR (`MAX_OCR_PAGES` at most)."""
    try:
        pages = _pdf_pages(data)
    except (PyPdfError, OSError, ValueError, KeyError):
        return TextReading("", READ)
    blank = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    if not blank:
        return TextReading("\n".join(pages), READ)
    tesseract = find_tesseract()
    if tesseract is None:
        has_text = len(blank) < len(pages)
        return TextReading("\n".join(pages), READ if has_text else OCR_UNAVAILABLE)
    method = OCR
    for number in blank[:MAX_OCR_PAGES]:
        image = render_pdf_page(data, number)
        try:
            pages[number - 1] = _page_scan_text(data, number, image, tesseract)
        except OcrFailed:
            method = OCR_FAILED
    return TextReading("\n".join(pages), method)


def _page_scan_text(data: bytes, number: int, image: Image.Image | None, ocr: Tesseract) -> str:
    """A rendered page's text, or (without pdftoppm) the text of the scans embedded in it."""
    if image is not None:
        return ocr.read_image(image)
    texts = []
    try:
        page = PdfReader(io.BytesIO(data)).pages[number - 1]
        scans = [found.image for found in page.images if found.image is not None]
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    for scan in scans[:MAX_SCANS_PER_PAGE]:
        texts.append(ocr.read_image(scan))
    return "\n".join(texts)


def _layer_text(data: bytes, kind: FileKind) -> str:
    try:
        if kind == DOCX:
            text = _zip_text(data, [n for n in _names(data) if WORD_PARTS.match(n)])
        elif kind == ODT:
            text = _zip_text(data, ["content.xml"])
        elif kind == TEXT:
            text = data.decode("utf-8", errors="replace")
        else:
            text = ""
    except (etree.LxmlError, zipfile.BadZipFile, OSError, ValueError, KeyError):
        text = ""
    return text


def _pdf_pages(data: bytes) -> list[str]:
    """The text layer of each page (the pages after `MAX_TEXT_CHARS` are left out)."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return []
    pages: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PAGES]:
        try:
            pages.append(page.extract_text() or "")
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
            pages.append("")
        size += len(pages[-1])
        if size >= MAX_TEXT_CHARS:
            break
    return pages


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
