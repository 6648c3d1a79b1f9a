"""One entry point for removing identifying metadata from every kind of file the vault accepts.

- JPEG, PNG, WebP (`image_clean`): re-encoded from their pixels, so EXIF (GPS position,
  camera serial, owner), XMP, IPTC, ICC profiles and comments are dropped. HEIC photos are
  decoded (pillow-heif) and stored as such a JPEG.
- PDF (`pdf_clean`): rewritten from its catalogue without document information, XMP,
  application data, comment authors, or the EXIF of the JPEG scans inside it.
- MP3, Ogg, M4A (`audio_clean`): every tag, GPS position and recording time removed; the sound
  is not re-encoded.
- Word and OpenDocument text (`office_clean`): document properties, the names and dates on
  tracked changes and comments, and Word's revision-session ids removed; macros refused.
- Plain text: kept as it is; UTF-8 text carries no metadata.

A file that cannot be read is refused with `UploadRefused`; it is never stored uncleaned.

`Cleaned.removed` says what was removed, for the upload page: for a photo, what it was found
to carry (`detected`); for other kinds, what their cleaner removes wherever it is present.
"""

from __future__ import annotations

from dataclasses import dataclass

from havenwatch.media.audio_clean import CLEANERS, strip_audio_metadata
from havenwatch.media.filetypes import DOCX, ODT, PDF, TEXT, FileKind
from havenwatch.media.image_clean import clean_image
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
    kind: FileKind | None = None
    removed: tuple[str, ...] = ()
    detected: bool = False

    def stored_kind(self, received: FileKind) -> FileKind:
        """The kind of what is stored: the received kind, unless it was converted."""
        return self.kind or received


# What each cleaner removes wherever it is present (codes of `labels.json`'s "metadata").
PDF_REMOVES = ("document_info", "xmp", "comment_authors", "exif")
AUDIO_REMOVES = ("tags", "gps", "recording_time")
OFFICE_REMOVES = ("document_properties", "revision_authors", "revision_ids")


def strip_metadata(data: bytes, kind: FileKind) -> Cleaned:
    """`data`, of the sniffed `kind`, without identifying metadata."""
    if kind.is_image:
        image = clean_image(data, kind)
        return Cleaned(image.data, True, image.kind, image.found, detected=True)
    if kind == PDF:
        pdf = strip_pdf_metadata(data)
        return Cleaned(pdf.data, pdf.stripped, removed=PDF_REMOVES if pdf.stripped else ())
    if kind in CLEANERS:
        return Cleaned(strip_audio_metadata(data, kind), True, removed=AUDIO_REMOVES)
    if kind in (DOCX, ODT):
        return Cleaned(strip_office_metadata(data, kind), True, removed=OFFICE_REMOVES)
    if kind == TEXT:
        return Cleaned(data, stripped=True)
    raise AssertionError(f"no metadata cleaner for {kind.media_type}")
