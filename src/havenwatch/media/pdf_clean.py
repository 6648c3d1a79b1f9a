"""Removing from a PDF what says who made it, where and with what, while keeping its pages.

Word processors, scanner apps and phones write the author's name, their organisation, the
program and device, and dates with a time zone into a PDF in several places. All of these are
removed:

- the document information dictionary (`/Info`: author, creator, producer, title, dates);
- XMP metadata streams (`/Metadata`), on the document and on any page, image or font;
- application private data (`/PieceInfo`, `/LastModified`);
- the author and dates of comments (annotations other than form fields);
- EXIF, XMP, IPTC, ICC and comment segments inside JPEG images (a scanned page is usually
  one), which can hold the GPS position and serial number of the phone that took it;
- the file identifier, which some programs derive from the file's path and time;
- everything unreachable from the pages: earlier revisions kept by incremental saves and
  objects no longer used, since the file is written anew from its document catalogue.

The pages, their text, images, fonts, links, form fields and bookmarks are kept as they are.
A PDF protected by a user password is refused (it cannot be read without it); one that only
restricts printing or copying is opened and written without that protection.

A digitally signed PDF is stored exactly as uploaded: any change would break its signature,
which is what proves who issued it. Its metadata was written by the signer, whose name the
signature certificate shows anyway.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from havenwatch.media.filetypes import UploadRefused
from havenwatch.media.jpeg_segments import strip_jpeg_segments

# pypdf reports every oddity of a damaged file through logging; users get one line from us.
logging.getLogger("pypdf").setLevel(logging.ERROR)

DAMAGED = "the PDF is damaged or cannot be read, so its metadata cannot be removed"
LOCKED = "the PDF is protected by a password: remove the password and upload it again"
METADATA_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")
COMMENT_KEYS = ("/T", "/M", "/CreationDate")
SIGNATURES_EXIST = 1


@dataclass(frozen=True)
class PdfCleaning:
    """The PDF to store, and whether its metadata was removed (not for signed PDFs)."""

    data: bytes
    stripped: bool


def _open(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise UploadRefused(LOCKED)
    return reader


def _dictionary(value: object) -> DictionaryObject:
    """`value` resolved, if it is a dictionary; an empty one otherwise."""
    if isinstance(value, PdfObject):
        value = value.get_object()
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _is_signed(reader: PdfReader) -> bool:
    root = reader.root_object
    flags = _dictionary(root.get("/AcroForm")).get("/SigFlags", 0)
    certified = "/DocMDP" in _dictionary(root.get("/Perms"))
    return bool(int(flags) & SIGNATURES_EXIST) or certified


def _clean_jpeg(stream: StreamObject) -> None:
    """Drop the metadata segments of a JPEG image; its compressed pixels stay untouched."""
    filters = stream.get("/Filter")
    names = list(filters) if isinstance(filters, ArrayObject) else [filters]
    if not names or names[-1] != "/DCTDecode":
        return
    StreamObject.set_data(stream, strip_jpeg_segments(stream.get_data()))
    if len(names) > 1:
        stream[NameObject("/Filter")] = NameObject("/DCTDecode")
        parms = stream.get("/DecodeParms")
        if isinstance(parms, ArrayObject) and parms and parms[-1] is not None:
            stream[NameObject("/DecodeParms")] = parms[-1]
        else:
            stream.pop("/DecodeParms", None)


def _scrub_dictionary(dictionary: DictionaryObject) -> None:
    for key in METADATA_KEYS:
        dictionary.pop(key, None)
    if isinstance(dictionary, StreamObject) and dictionary.get("/Subtype") == "/Image":
        _clean_jpeg(dictionary)


def _scrub_comments(writer: PdfWriter) -> None:
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        for reference in annotations.get_object():
            annotation = reference.get_object()
            if isinstance(annotation, DictionaryObject) and annotation.get("/Subtype") != "/Widget":
                for key in COMMENT_KEYS:
                    annotation.pop(key, None)


def _scrub_objects(writer: PdfWriter) -> None:
    """Visit every object reachable from the catalogue once, without recursion."""
    seen: set[int] = set()
    pending: list[PdfObject | None] = [writer.root_object]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            _scrub_dictionary(item)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _drop_usage_rights(writer: PdfWriter) -> None:
    """Reader-extension rights are a signature over the old file; the new one has none."""
    writer.root_object.pop("/Perms", None)


def _rewrite(reader: PdfReader, *, scrub: bool) -> bytes:
    writer = PdfWriter(clone_from=reader)
    if scrub:
        _scrub_objects(writer)
        _scrub_comments(writer)
        _drop_usage_rights(writer)
    writer.metadata = None
    writer._ID = None
    writer.generate_file_identifiers()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _check(data: bytes, pages: int) -> None:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if (
        len(reader.pages) != pages
        or reader.metadata is not None
        or "/Metadata" in reader.root_object
    ):
        raise UploadRefused(DAMAGED)


def strip_pdf_metadata(data: bytes) -> PdfCleaning:
    """The same pages without identifying metadata; `UploadRefused` if that is impossible."""
    try:
        reader = _open(data)
        if _is_signed(reader):
            return PdfCleaning(data, stripped=False)
        pages = len(reader.pages)
        scrubbed = _rewrite(reader, scrub=True)
        # Written once more from its catalogue, the file loses the objects scrubbing orphaned.
        cleaned = _rewrite(PdfReader(io.BytesIO(scrubbed), strict=False), scrub=False)
        _check(cleaned, pages)
    except UploadRefused:
        raise
    except Exception:  # pypdf raises many kinds of error on hostile or damaged files
        raise UploadRefused(DAMAGED) from None
    return PdfCleaning(cleaned, stripped=True)
