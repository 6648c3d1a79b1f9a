"""Every kind of file the vault accepts loses its identifying metadata on upload, stays a valid
file of its kind, and a file that cannot be cleaned is refused with one line and not stored."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.id3 import ID3, TPE1
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from sqlalchemy import func, select

from havenwatch.access.scope import Scope
from havenwatch.cases.vault import read_document, store_document
from havenwatch.core.settings import Settings
from havenwatch.media import filetypes
from havenwatch.media.audio_clean import CLEANERS
from havenwatch.media.filetypes import FileKind, UploadRefused
from havenwatch.media.jpeg_segments import strip_jpeg_segments
from havenwatch.media.metadata_clean import strip_metadata
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, documents
from tests.media.media_samples import (
    PAGE_TEXT,
    duration_of,
    m4a_with_metadata,
    mp3_with_metadata,
    ogg_opus_with_metadata,
    pdf_with_metadata,
    silent_mp3,
)
from tests.protection_support import add_plain_person, jpeg_with_gps

CANARY = "Kvetoslava-Dragunova-7731"
CANARY_FORMS = [CANARY, CANARY.upper(), CANARY.lower()]


def stored_copy(db: Database, settings: Settings, data: bytes, filename: str) -> tuple[bool, bytes]:
    """Upload through the vault; give back what it says it did and the decrypted bytes."""
    _, case_id = add_plain_person(db, "Ivan Petrov")
    document = store_document(
        db,
        settings,
        case_id=case_id,
        filename=filename,
        data=data,
        actor="t",
        scope=Scope.everything(),
    )
    _, content = read_document(db, settings, document.id, "t", scope=Scope.everything())
    return document.metadata_stripped, content


def assert_no_canary(data: bytes) -> None:
    for form in CANARY_FORMS:
        for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
            assert form.encode(encoding) not in data, f"{form!r} found ({encoding})"


def pdf_objects_as_bytes(data: bytes) -> bytes:
    """Every object of a PDF, with every stream decoded: the canary cannot hide compressed."""
    reader = PdfReader(io.BytesIO(data))
    parts = [repr(reader.trailer).encode()]
    for number in range(1, int(reader.trailer["/Size"])):
        item = reader.get_object(IndirectObject(number, 0, reader))
        if item is None:
            continue
        parts.append(repr(item).encode())
        if isinstance(item, StreamObject):
            parts.append(item.get_data())
    return b"\n".join(parts)


def test_the_samples_really_carry_the_canary() -> None:
    for data in (
        pdf_with_metadata(CANARY, jpeg_with_gps(CANARY)),
        mp3_with_metadata(CANARY),
        ogg_opus_with_metadata(CANARY),
        m4a_with_metadata(CANARY),
    ):
        assert data.count(CANARY.encode()) >= 4


def test_pdf_loses_info_xmp_private_data_comment_authors_and_photo_exif_but_keeps_its_pages(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    photo = jpeg_with_gps(CANARY)
    original = pdf_with_metadata(CANARY, photo)

    stripped, content = stored_copy(sqlite_db, sqlite_settings, original, "statement.pdf")

    assert stripped is True
    assert_no_canary(content)
    assert_no_canary(pdf_objects_as_bytes(content))
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert len(reader.pages) == 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"{PAGE_TEXT}, page {number}" in page.extract_text()
    (image,) = reader.pages[0].images
    assert b"Exif" not in image.data
    before = Image.open(io.BytesIO(photo))
    assert image.image is not None and image.image.tobytes() == before.tobytes()
    (comment,) = reader.pages[0]["/Annots"]
    assert comment.get_object()["/Contents"] == "check the date of service"


@pytest.mark.parametrize(
    ("kind", "build", "filename"),
    [
        ("mp3", mp3_with_metadata, "interview.mp3"),
        ("ogg", ogg_opus_with_metadata, "voice-message.ogg"),
        ("m4a", m4a_with_metadata, "memo.m4a"),
    ],
)
def test_recording_loses_every_tag_and_plays_as_long_as_before(
    sqlite_db: Database,
    sqlite_settings: Settings,
    kind: str,
    build: Callable[[str], bytes],
    filename: str,
) -> None:
    original = build(CANARY)

    stripped, content = stored_copy(sqlite_db, sqlite_settings, original, filename)

    assert stripped is True
    assert_no_canary(content)
    assert b"44.8167" not in content and b"+044" not in content
    untagged = silent_mp3() if kind == "mp3" else original  # MP3 length is estimated from size
    assert duration_of(kind, content) == pytest.approx(duration_of(kind, untagged))


def test_m4a_recording_times_are_zeroed_and_the_audio_bytes_are_untouched() -> None:
    original = m4a_with_metadata(CANARY)

    cleaned = strip_metadata(original, filetypes.M4A).data

    assert len(cleaned) == len(original)
    mdat = original.index(b"mdat")
    assert cleaned[mdat:] == original[mdat:]
    for box in (b"mvhd", b"tkhd", b"mdhd"):
        start = cleaned.index(box) + 8
        assert cleaned[start : start + 8] == bytes(8)


def test_mp3_with_several_id3_tags_in_a_row_loses_all_of_them() -> None:
    data = silent_mp3()
    for _ in range(3):
        buffer = io.BytesIO(b"")
        tags = ID3()
        tags.add(TPE1(encoding=3, text=[CANARY]))
        tags.save(buffer)
        data = buffer.getvalue() + data

    cleaned = strip_metadata(data, filetypes.MP3).data

    assert_no_canary(cleaned)
    assert cleaned == silent_mp3()


def test_plain_text_is_stored_as_it_is() -> None:
    text = "Решение о запрете въезда\n".encode()
    assert strip_metadata(text, filetypes.TEXT).data == text


def test_every_accepted_kind_has_a_metadata_cleaner() -> None:
    kinds = [value for value in vars(filetypes).values() if isinstance(value, FileKind)]
    assert len(kinds) >= 8
    for kind in kinds:
        office = (filetypes.DOCX, filetypes.ODT)
        handled = (
            kind.is_image or kind in CLEANERS or kind in (filetypes.PDF, filetypes.TEXT, *office)
        )
        assert handled, kind.media_type


def test_jpeg_segments_drop_exif_and_comments_but_keep_the_pixels_byte_for_byte() -> None:
    photo = jpeg_with_gps(CANARY)

    cleaned = strip_jpeg_segments(photo)

    assert_no_canary(cleaned)
    assert b"Exif" not in cleaned
    assert cleaned[cleaned.index(b"\xff\xda") :] == photo[photo.index(b"\xff\xda") :]
    assert Image.open(io.BytesIO(cleaned)).tobytes() == Image.open(io.BytesIO(photo)).tobytes()


def small_pdf(**info: str) -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({f"/{key}": value for key, value in info.items()})
    return writer


def pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_restricted_only_by_an_owner_password_is_cleaned_and_stored_unrestricted() -> None:
    writer = small_pdf(Author=CANARY)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")

    cleaned = strip_metadata(pdf_bytes(writer), filetypes.PDF)

    reader = PdfReader(io.BytesIO(cleaned.data))
    assert cleaned.stripped and not reader.is_encrypted
    assert reader.metadata is None and len(reader.pages) == 1


def test_pdf_that_needs_a_password_to_open_is_refused_with_a_clear_message() -> None:
    writer = small_pdf(Author=CANARY)
    writer.encrypt(user_password="reader-secret", algorithm="AES-256")

    with pytest.raises(UploadRefused, match="protected by a password"):
        strip_metadata(pdf_bytes(writer), filetypes.PDF)


def test_signed_pdf_is_kept_exactly_as_uploaded_and_said_not_to_be_stripped() -> None:
    writer = small_pdf(Author="Ministry of Interior")
    signature = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Signature1"),
            NameObject("/V"): DictionaryObject({NameObject("/Type"): NameObject("/Sig")}),
        }
    )
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([writer._add_object(signature)]),
            NameObject("/SigFlags"): NumberObject(3),
        }
    )
    signed = pdf_bytes(writer)

    cleaned = strip_metadata(signed, filetypes.PDF)

    assert (cleaned.stripped, cleaned.data) == (False, signed)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def ogg_with_two_streams() -> bytes:
    """Two recordings chained in one file: only the first one's comments could be reached."""
    return ogg_opus_with_metadata("first") + ogg_opus_with_metadata(CANARY, serial=7)


MALFORMED = {
    "pdf without body": b"%PDF-1.4 body",
    "truncated pdf": truncated(pdf_with_metadata(CANARY, jpeg_with_gps(CANARY))),
    "mp3 tag without audio": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64,
    "mp3 frame sync then noise": b"\xff\xfb" + bytes(range(256)),
    "ogg page header only": b"OggS\x00\x02" + bytes(30),
    "ogg with two streams": ogg_with_two_streams(),
    "m4a without movie box": b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00M4A " + b"\x00" * 40,
    "truncated m4a": truncated(m4a_with_metadata(CANARY)),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_of_an_accepted_kind_is_refused_in_one_line_and_nothing_is_stored(
    sqlite_db: Database, sqlite_settings: Settings, data: bytes
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")

    with pytest.raises(UploadRefused) as refused:
        store_document(
            sqlite_db,
            sqlite_settings,
            case_id=case_id,
            filename="x",
            data=data,
            actor="t",
            scope=Scope.everything(),
        )

    message = str(refused.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert "cannot" in message
    with sqlite_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 0
        uploads = select(func.count()).where(audit_log.c.action == "document.upload")
        assert conn.execute(uploads).scalar() == 0
    vault: Path = sqlite_settings.vault_dir
    assert not vault.exists() or list(vault.iterdir()) == []


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_is_still_stored_as_uploaded_when_the_uploader_keeps_metadata(
    sqlite_db: Database, sqlite_settings: Settings, data: bytes
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    document = store_document(
        sqlite_db,
        sqlite_settings,
        case_id=case_id,
        filename="x",
        data=data,
        actor="t",
        strip_metadata=False,
        scope=Scope.everything(),
    )
    assert (
        read_document(sqlite_db, sqlite_settings, document.id, "t", scope=Scope.everything())[1]
        == data
    )
