"""One entry point for removing identifying metadata from every kind of file the vault accepts.

- JPEG, PNG, WebP (`image_clean`): re-encoded from their pixels, so EXIF (GPS position,
  camera serial, owner), XMP, IPTC, ICC profiles and comments are dropped.
- PDF (`pdf_clean`): rewritten from its catalogue without document information, XMP,
  application data, comment authors, or the EXIF of the JPEG scans inside it.
- MP3, Ogg, M4A (`audio_clean`): every tag, GPS position and recording time removed; the sound
  is not re-encoded.
- Word and OpenDocument text (`office_clean`): document properties, the names and dates on
  tracked changes and comments, and Word's revision-session ids removed; macros refused.
- Plain text: kept as it is; UTF-8 text carries no metadata.

A file that cannot be read is refused with `UploadRefused`; it is never stored uncleaned.
"""

from __future__ import annotations

from dataclasses import dataclass

from havenwatch.media.audio_clean import CLEANERS, strip_audio_metadata
from havenwatch.media.filetypes import DOCX, ODT, PDF, TEXT, FileKind
from havenwatch.media.image_clean import strip_image_metadata
from havenwatch.media.office_clean import strip_office_metadata
from havenwatch.media.pdf_clean import strip_pdf_metadata


@dataclass(frozen=True)
class Cleaned:
    """What to store, and whether it is free of the metadata its kind can carry.

    `stripped` is False only for a digitally signed PDF, kept as uploaded so that its
    signature still proves who issued it.
    """

    data: bytes
    stripped: bool


def strip_metadata(data: bytes, kind: FileKind) -> Cleaned:
    """`data`, of the sniffed `kind`, without identifying metadata."""
    if kind.is_image:
        return Cleaned(strip_image_metadata(data, kind), stripped=True)
    if kind == PDF:
        pdf = strip_pdf_metadata(data)
        return Cleaned(pdf.data, pdf.stripped)
    if kind in CLEANERS:
        return Cleaned(strip_audio_metadata(data, kind), stripped=True)
    if kind in (DOCX, ODT):
        return Cleaned(strip_office_metadata(data, kind), stripped=True)
    if kind == TEXT:
        return Cleaned(data, stripped=True)
    raise AssertionError(f"no metadata cleaner for {kind.media_type}")
