"""What an upload really is, decided from its first bytes and never from its name.

Only formats a case file needs are accepted: scanned decisions (PDF), letters and appeals
(Word DOCX, OpenDocument ODT), photos (JPEG, PNG, WebP, and HEIC from phones, converted to
JPEG when cleaned), recordings (MP3, Ogg, M4A) and plain
UTF-8 text. Anything else, including HTML, SVG, other archives and documents with macros, is
refused before it reaches the vault.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from havenwatch.core.errors import HavenwatchError

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
M4A_BRANDS = (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"dash")
# HEIF brands of still photos and sequences (an iPhone writes "heic"); AVIF is not accepted.
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
TEXT_CONTROL_ALLOWED = {"\t", "\n", "\r", "\f"}


class UploadRefused(HavenwatchError):
    """The upload is too large, empty, or of a kind the vault does not accept."""


@dataclass(frozen=True)
class FileKind:
    media_type: str
    is_image: bool = False


PDF = FileKind("application/pdf")
JPEG = FileKind("image/jpeg", is_image=True)
PNG = FileKind("image/png", is_image=True)
WEBP = FileKind("image/webp", is_image=True)
HEIC = FileKind("image/heic", is_image=True)
MP3 = FileKind("audio/mpeg")
OGG = FileKind("audio/ogg")
M4A = FileKind("audio/mp4")
TEXT = FileKind("text/plain")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = FileKind("application/vnd.oasis.opendocument.text")
ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"


def _is_mp3(data: bytes) -> bool:
    if data.startswith(b"ID3"):
        return True
    return len(data) > 2 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0


def _binary_kind(data: bytes) -> FileKind | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"OggS"):
        return OGG
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return HEIC
    if data[4:8] == b"ftyp" and data[8:12] in M4A_BRANDS:
        return M4A
    if _is_mp3(data):
        return MP3
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> FileKind | None:
    """A ZIP is accepted only as a Word or OpenDocument text; other archives are refused."""
    if data[30 : 30 + len(ODT_MIMETYPE)] == ODT_MIMETYPE:
        return ODT
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(
        (ord(char) < 32 and char not in TEXT_CONTROL_ALLOWED) or ord(char) == 127 for char in text
    )


def sniff(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> FileKind:
    """The kind of an upload, or `UploadRefused` saying why it cannot be stored."""
    if not data:
        raise UploadRefused("the file is empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    kind = _binary_kind(data)
    if kind is not None:
        return kind
    if _is_plain_text(data):
        return TEXT
    raise UploadRefused(
        "this kind of file is not accepted (PDF, Word, OpenDocument text, JPEG, PNG, WebP, HEIC, "
        "MP3, Ogg, M4A or plain text)"
    )
