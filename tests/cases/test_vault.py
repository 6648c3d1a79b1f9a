"""The evidence vault: content checks, metadata stripping, integrity on download, crash safety."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import random
import signal
import time
from multiprocessing.connection import Connection as Pipe

import pytest
from PIL import Image
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.vault import (
    VaultError,
    check_vault,
    list_documents,
    read_document,
    store_document,
)
from havenwatch.core.errors import NotFoundError
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.padding import pad, padme, unpad
from havenwatch.media.filetypes import UploadRefused, sniff
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, documents
from tests.media.media_samples import pdf_with_metadata
from tests.protection_support import add_canary, add_plain_person, jpeg_with_gps

FORK = multiprocessing.get_context("fork")
UPLOAD_KILLS = 60


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"ID3\x04\x00rest", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"\x00\x00\x00\x20ftypM4A \x00", "audio/mp4"),
        ("Решение о запрете въезда\n".encode(), "text/plain"),
    ],
)
def test_type_is_decided_by_content(data: bytes, media_type: str) -> None:
    assert sniff(data).media_type == media_type


@pytest.mark.parametrize(
    "data",
    [b"", b"MZ\x90\x00 executable", b"PK\x03\x04 zip or docx", b"\x00\x01\x02 binary", b"x" * 101],
)
def test_empty_oversized_and_unknown_uploads_are_refused(data: bytes) -> None:
    with pytest.raises(UploadRefused):
        sniff(data, max_bytes=100)


def test_a_pdf_named_like_a_photo_is_stored_as_a_pdf(
    db: Database, instance_settings: Settings
) -> None:
    _, case_id = add_plain_person(db, "Ivan Petrov")
    document = store_document(
        db,
        instance_settings,
        case_id=case_id,
        filename="photo.jpg",
        data=pdf_with_metadata("Author", jpeg_with_gps("Artist")),
        actor="t",
        scope=Scope.everything(),
    )
    assert document.media_type == "application/pdf"
    assert document.metadata_stripped is True


def test_photo_metadata_is_stripped_by_default_and_the_result_says_so(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    original = jpeg_with_gps("ARTIST-SENTINEL-55")
    stored = store_document(
        sqlite_db,
        sqlite_settings,
        case_id=case_id,
        filename="x.jpg",
        data=original,
        actor="t",
        scope=Scope.everything(),
    )
    _, content = read_document(sqlite_db, sqlite_settings, stored.id, "t", scope=Scope.everything())
    image = Image.open(io.BytesIO(content))
    assert stored.metadata_stripped is True
    assert b"ARTIST-SENTINEL-55" not in content and b"Exif" not in content
    assert dict(image.getexif()) == {}
    assert image.size == (32, 24)


def test_metadata_is_kept_only_when_the_uploader_asks(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    original = jpeg_with_gps("ARTIST-SENTINEL-55")
    stored = store_document(
        sqlite_db,
        sqlite_settings,
        case_id=case_id,
        filename="x.jpg",
        data=original,
        actor="t",
        strip_metadata=False,
        scope=Scope.everything(),
    )
    _, content = read_document(sqlite_db, sqlite_settings, stored.id, "t", scope=Scope.everything())
    assert (stored.metadata_stripped, content) == (False, original)


def test_transparent_png_keeps_its_pixels_after_stripping(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    stored = store_document(
        sqlite_db,
        sqlite_settings,
        case_id=case_id,
        filename="a.png",
        data=png_bytes(),
        actor="t",
        scope=Scope.everything(),
    )
    _, content = read_document(sqlite_db, sqlite_settings, stored.id, "t", scope=Scope.everything())
    assert Image.open(io.BytesIO(content)).getpixel((0, 0)) == (0, 0, 255, 128)


def test_download_round_trips_and_is_audited(db: Database, instance_settings: Settings) -> None:
    canary = add_canary(db, instance_settings)
    document, content = read_document(
        db, instance_settings, canary.document.id, "reader", scope=Scope.everything()
    )
    assert document.sha256 == canary.document.sha256 == hashlib.sha256(content).hexdigest()
    with db.read() as conn:
        actions = conn.execute(
            select(audit_log.c.action, audit_log.c.actor).where(
                audit_log.c.target_id == document.id
            )
        ).all()
    assert [tuple(a) for a in actions] == [
        ("document.upload", "tester"),
        ("document.clean", "tester"),
        ("document.download", "reader"),
    ]
    assert (
        list_documents(db, canary.case_id, scope=Scope.everything())[0].filename
        == canary.document.filename
    )


def test_a_document_of_another_team_is_not_found(db: Database, instance_settings: Settings) -> None:
    canary = add_canary(db, instance_settings)
    with pytest.raises(NotFoundError):
        read_document(
            db, instance_settings, canary.document.id, "t", scope=Scope.teams("other-team")
        )


def test_download_refuses_content_that_no_longer_matches_the_recorded_hash(
    db: Database, instance_settings: Settings
) -> None:
    canary = add_canary(db, instance_settings)
    with db.engine.begin() as conn:
        conn.execute(documents.update().values(sha256="0" * 64))
    with pytest.raises(VaultError, match="does not match the SHA-256"):
        read_document(db, instance_settings, canary.document.id, "t", scope=Scope.everything())


def test_a_replaced_or_flipped_vault_file_is_refused(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    canary = add_canary(sqlite_db, sqlite_settings)
    (path,) = list(sqlite_settings.vault_dir.iterdir())
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(VaultError, match="damaged"):
        read_document(sqlite_db, sqlite_settings, canary.document.id, "t", scope=Scope.everything())
    assert check_vault(sqlite_db, sqlite_settings, verify=True).damaged == [canary.document.id]


def test_stored_sizes_are_rounded_and_padding_round_trips() -> None:
    for length in [0, 1, 100, 1000, 65_537, 10_000_000]:
        data = os.urandom(min(length, 70_000))
        assert unpad(pad(data)) == data
        assert padme(length) >= length and padme(length) <= length * 1.13 + 2


def uploader(url: str, keyring: Keyring, settings: Settings, case_id: str, pipe: Pipe) -> None:
    """Upload forever; one small upload completes before "ready" so every run is warm."""
    db = Database(url, keyring)
    rng = random.Random(os.getpid())
    size = 100
    while True:
        data = os.urandom(size // 2).hex().encode()
        document = store_document(
            db,
            settings,
            case_id=case_id,
            filename="notes.txt",
            data=data,
            actor="u",
            scope=Scope.everything(),
        )
        pipe.send(document.id)
        if size == 100:
            pipe.send("ready")
        size = rng.randint(1_000, 400_000)


def kill_upload(db: Database, settings: Settings, case_id: str, rng: random.Random) -> None:
    receiver, sender = FORK.Pipe(duplex=False)
    db.dispose()
    process = FORK.Process(
        target=uploader, args=(db.url, db.keyring, settings, case_id, sender), daemon=True
    )
    process.start()
    sender.close()
    assert receiver.poll(20) and receiver.recv() and receiver.poll(20)
    assert receiver.recv() == "ready"
    time.sleep(rng.uniform(0.001, 0.05))
    os.kill(process.pid or 0, signal.SIGKILL)
    process.join()
    receiver.close()


def test_uploads_killed_at_any_step_leave_no_row_without_its_file(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    rng = random.Random(3)
    for _ in range(UPLOAD_KILLS):
        kill_upload(sqlite_db, sqlite_settings, case_id, rng)
        report = check_vault(sqlite_db, sqlite_settings, grace_seconds=3600)
        assert report.missing == []
    with sqlite_db.read() as conn:
        rows = conn.execute(select(documents.c.id, documents.c.vault_name)).all()
    report = check_vault(sqlite_db, sqlite_settings, verify=True, grace_seconds=0)
    assert report.healthy
    assert sorted(p.name for p in sqlite_settings.vault_dir.iterdir()) == sorted(
        r.vault_name for r in rows
    )
    assert len(rows) >= UPLOAD_KILLS
