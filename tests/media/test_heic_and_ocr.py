"""A HEIC photo from a phone is stored as a JPEG with no metadata at all (its GPS position
gone) and the original's SHA-256 kept; a scanned image or an image-only PDF is read by Debian's
tesseract when it is installed, in Russian, Serbian and English, and found by a word in it;
without tesseract the upload is stored all the same and says its text was not read."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image, ImageDraw, ImageFont

from havenwatch.access.scope import Scope
from havenwatch.cases.document_words import documents_with_words
from havenwatch.cases.vault import read_document, store_document
from havenwatch.core.model import Document
from havenwatch.core.settings import Settings
from havenwatch.media import filetypes
from havenwatch.media.ocr import TESSERACT_ENV, find_tesseract, render_pdf_page
from havenwatch.media.text_extract import read_text
from havenwatch.store.database import Database
from tests.protection_support import add_plain_person

SECRET = "Kvetoslava-Dragunova-7731"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = (
    "Решение о прекращении пребывания",
    "Rešenje o prestanku boravka Kikinda",
    "Residence permit revoked",
)
needs_tesseract = pytest.mark.skipif(
    find_tesseract() is None,
    reason="Debian's tesseract-ocr (with rus, srp, srp_latn) is not installed",
)


def heic_with_gps(secret: str) -> bytes:
    """A HEIC as an iPhone writes it: EXIF with a GPS position and an artist, and XMP."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = secret  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (44.0, 49.0, 12.0)
    gps[3], gps[4] = "E", (20.0, 27.0, 33.0)
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{secret}</dc:creator></x:xmpmeta>'
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=90, exif=exif.tobytes(), xmp=xmp.encode())
    return buffer.getvalue()


def scanned_letter() -> Image.Image:
    """A white page with black text in Cyrillic and Latin, drawn with DejaVu Sans."""
    font = ImageFont.truetype(FONT, 40)
    page = Image.new("L", (1400, 400), 255)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(LINES):
        draw.text((40, 40 + number * 110), line, font=font, fill=0)
    return page


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, kind, **({"resolution": 150} if kind == "PDF" else {}))
    return buffer.getvalue()


def _store(db: Database, settings: Settings, name: str, data: bytes) -> Document:
    _, case_id = add_plain_person(db, "Ivan Petrov")
    return store_document(
        db,
        settings,
        case_id=case_id,
        filename=name,
        data=data,
        actor="t",
        scope=Scope.everything(),
    )


def _found(db: Database, word: str) -> list[str]:
    with db.read() as conn:
        return documents_with_words(conn, db.require_keyring(), word, scope=Scope.everything())


def test_the_heic_sample_really_carries_gps_exif_and_xmp() -> None:
    heif = pillow_heif.open_heif(io.BytesIO(heic_with_gps(SECRET)))
    assert SECRET.encode() in heif.info["exif"] and SECRET.encode() in heif.info["xmp"]
    loaded = Image.Exif()
    loaded.load(heif.info["exif"])
    assert loaded.get_ifd(0x8825)[1] == "N"


def test_a_heic_photo_is_stored_as_a_jpeg_without_any_metadata_and_keeps_its_hash(
    db: Database, instance_settings: Settings
) -> None:
    received = heic_with_gps(SECRET)
    assert filetypes.sniff(received) == filetypes.HEIC
    document = _store(db, instance_settings, "IMG_0042.HEIC", received)
    assert document.media_type == "image/jpeg" and document.metadata_stripped
    assert document.original_sha256 == hashlib.sha256(received).hexdigest()
    assert document.report is not None
    assert document.report.converted_from == "image/heic" and document.report.detected
    assert {"gps", "exif", "xmp"} <= set(document.report.removed)
    _, stored = read_document(db, instance_settings, document.id, "t", scope=Scope.everything())
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert SECRET.encode() not in stored and b"Exif" not in stored and b"xmpmeta" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and set(image.info) <= {"jfif", "jfif_version", "jfif_unit",
                                                       "jfif_density", "dpi"}  # fmt: skip
    red, green, blue = image.convert("RGB").getpixel((32, 24))  # type: ignore[misc]
    assert red > 150 and green < 80 and blue < 80


def test_a_damaged_heic_is_refused_in_one_line(db: Database, instance_settings: Settings) -> None:
    broken = heic_with_gps(SECRET)[:200]
    with pytest.raises(filetypes.UploadRefused, match="the image is damaged or cannot be read"):
        _store(db, instance_settings, "broken.heic", broken)


def test_a_jpeg_photo_reports_what_it_carried(db: Database, instance_settings: Settings) -> None:
    from tests.protection_support import jpeg_with_gps

    document = _store(db, instance_settings, "photo.jpg", jpeg_with_gps(SECRET))
    assert document.report is not None and document.media_type == "image/jpeg"
    assert {"gps", "exif", "comment"} <= set(document.report.removed)
    assert document.report.converted_from is None


@needs_tesseract
@pytest.mark.parametrize("kind", ["PNG", "JPEG", "PDF"])
def test_a_scan_is_read_by_ocr_and_found_by_a_word_in_either_script(
    db: Database, instance_settings: Settings, kind: str
) -> None:
    document = _store(
        db, instance_settings, f"scan.{kind.lower()}", encoded(scanned_letter(), kind)
    )
    assert document.report is not None and document.report.text == "ocr"
    for word in ("прекращении", "prestanku", "Престанку", "Kikinda", "revoked"):
        assert _found(db, word) == [document.id], word


def test_without_tesseract_a_scan_is_stored_and_says_its_text_was_not_read(
    db: Database, instance_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TESSERACT_ENV, "off")
    for kind in ("PNG", "PDF"):
        document = _store(db, instance_settings, "scan", encoded(scanned_letter(), kind))
        assert document.report is not None and document.report.text == "ocr_unavailable"
    assert _found(db, "prestanku") == []


def test_a_missing_tesseract_program_is_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TESSERACT_ENV, "/nonexistent/tesseract")
    assert find_tesseract() is None
    reading = read_text(encoded(scanned_letter(), "PNG"), filetypes.PNG)
    assert (reading.text, reading.method) == ("", "ocr_unavailable")


@needs_tesseract
def test_without_pdftoppm_the_scans_embedded_in_a_pdf_page_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tesseract = find_tesseract()
    assert tesseract is not None
    monkeypatch.setenv(TESSERACT_ENV, tesseract.program)
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdftoppm to render the page
    assert render_pdf_page(encoded(scanned_letter(), "PDF"), 1) is None
    reading = read_text(encoded(scanned_letter(), "PDF"), filetypes.PDF)
    assert reading.method == "ocr" and "prestanku" in reading.text
