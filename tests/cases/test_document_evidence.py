"""Documents as evidence: type, date, linked events, both SHA-256 hashes, the original kept
sealed for those allowed, and a chain of custody in the audit chain."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event
from havenwatch.cases.vault import (
    Evidence,
    check_vault,
    read_document,
    read_original,
    store_document,
    view_document,
)
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Event
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import document_events, documents
from tests.helpers import snapshot
from tests.protection_support import add_plain_person, jpeg_with_gps


def _decision(db: Database, case_id: str) -> str:
    event = add_event(
        db, Event(case_id=case_id, type="residence_revoked"), "tester", scope=Scope.everything()
    )
    return event.id or ""


def test_an_upload_records_type_date_links_and_both_hashes_and_keeps_the_original_sealed(
    db: Database, instance_settings: Settings
) -> None:
    _, case_id = add_plain_person(db, "Ivan Petrov")
    event_id = _decision(db, case_id)
    received = jpeg_with_gps("ARTIST-SENTINEL-77")
    evidence = Evidence("decision", date(2025, 3, 3), (event_id,), keep_original=True)
    stored = store_document(
        db, instance_settings, case_id=case_id, filename="rešenje.jpg", data=received,
        actor="tester", evidence=evidence, scope=Scope.everything(),
    )  # fmt: skip
    _, cleaned = read_document(db, instance_settings, stored.id, "reader", scope=Scope.everything())
    shown, custody = view_document(db, stored.id, "lawyer", scope=Scope.everything())
    assert shown.original_sha256 == hashlib.sha256(received).hexdigest()
    assert shown.sha256 == hashlib.sha256(cleaned).hexdigest() != shown.original_sha256
    assert (shown.document_type, shown.document_date, shown.event_ids) == (
        "decision", date(2025, 3, 3), (event_id,),
    )  # fmt: skip
    _, original = read_original(
        db, instance_settings, stored.id, "lawyer", scope=Scope.everything()
    )
    assert original == received and b"ARTIST-SENTINEL-77" not in cleaned
    vault_files = b"".join(p.read_bytes() for p in instance_settings.vault_dir.iterdir())
    assert b"ARTIST-SENTINEL-77" not in vault_files
    with db.read() as conn:
        row = conn.execute(select(documents).where(documents.c.id == stored.id)).one()
    assert shown.original_sha256.encode() not in row.original_sha256
    assert [entry.action for entry in custody] == [
        "document.upload", "document.clean", "document.link", "document.download",
        "document.view",
    ]  # fmt: skip
    assert (
        view_document(db, stored.id, "x", scope=Scope.everything())[1][-1].action == "document.view"
    )
    assert check_vault(db, instance_settings, verify=True, grace_seconds=0).healthy
    assert check_vault(db, instance_settings, grace_seconds=0).orphans_removed == []


def test_without_keep_original_no_original_exists(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    _, case_id = add_plain_person(sqlite_db, "Ivan Petrov")
    stored = store_document(
        sqlite_db, sqlite_settings, case_id=case_id, filename="a.jpg",
        data=jpeg_with_gps("S"), actor="t", scope=Scope.everything(),
    )  # fmt: skip
    assert not stored.original_kept
    with pytest.raises(NotFoundError):
        read_original(sqlite_db, sqlite_settings, stored.id, "t", scope=Scope.everything())


@pytest.mark.parametrize(
    "evidence",
    [Evidence(document_type="passport_scan"), Evidence(event_ids=("not-an-event",))],
)
def test_an_unknown_type_or_another_cases_event_is_refused_and_nothing_is_stored(
    db: Database, instance_settings: Settings, evidence: Evidence
) -> None:
    _, case_id = add_plain_person(db, "Ivan Petrov")
    _, other_case = add_plain_person(db, "Olga Petrova")
    other_event = _decision(db, other_case)
    if evidence.event_ids:
        evidence = Evidence(event_ids=(other_event,))
    before = snapshot(db)
    with pytest.raises(ValidationError):
        store_document(
            db, instance_settings, case_id=case_id, filename="a.jpg",
            data=jpeg_with_gps("S"), actor="t", evidence=evidence, scope=Scope.everything(),
        )  # fmt: skip
    assert snapshot(db) == before
    with db.read() as conn:
        assert conn.execute(select(document_events)).all() == []
