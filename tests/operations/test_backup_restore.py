"""Backups: a restore gives back the same content; a damaged or wrong-key archive is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.interchange import dump_document, export_document
from havenwatch.cases.vault import read_document
from havenwatch.core.errors import HavenwatchError
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.archive import ArchiveError
from havenwatch.operations.backup import create_backup
from havenwatch.operations.instance import open_database
from havenwatch.operations.restore import RestoreRefused, restore_backup
from havenwatch.operations.rotation import rotate_keys
from havenwatch.store.audit_chain import verify_chain
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, documents
from tests.protection_support import add_canary, add_plain_person, find_needles


def audit_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.read() as conn:
        return [tuple(row) for row in conn.execute(select(audit_log).order_by(audit_log.c.seq))]


def vault_plaintexts(db: Database, settings: Settings) -> dict[str, bytes]:
    with db.read() as conn:
        ids = conn.execute(select(documents.c.id)).scalars().all()
    return {
        doc_id: read_document(db, settings, doc_id, "checker", scope=Scope.everything())[1]
        for doc_id in ids
    }


@pytest.fixture
def target_settings(
    tmp_path: Path, backend: str, instance_settings: Settings, request: pytest.FixtureRequest
) -> Settings:
    """A second, empty place to restore into, sharing the source's key file."""
    url = None
    if backend == "postgres":
        factory: Callable[[], str] = request.getfixturevalue("new_postgres_url")
        url = factory()
    return resolve_settings(tmp_path / "restored", url, instance_settings.key_file)


def test_restore_round_trip_gives_the_same_export_vault_and_audit_chain(
    db: Database, instance_settings: Settings, target_settings: Settings, tmp_path: Path
) -> None:
    canary = add_canary(db, instance_settings)
    add_plain_person(db, "Ivan Petrov")
    export_before = dump_document(export_document(db, "exporter"))
    archive = tmp_path / "backup.hwb"
    create_backup(db, instance_settings, archive, "admin")
    audit_before = audit_rows(db)
    plaintexts_before = vault_plaintexts(db, instance_settings)

    result = restore_backup(target_settings, archive, "admin")
    restored = open_database(target_settings)
    audit_after = audit_rows(restored)
    assert audit_after[: len(audit_before)] == audit_before
    assert [row[3] for row in audit_after[len(audit_before) :]] == ["backup.restore"]
    assert vault_plaintexts(restored, target_settings) == plaintexts_before
    assert dump_document(export_document(restored, "exporter")) == export_before
    assert result.vault_files == 1 and canary.document.id in plaintexts_before
    assert find_needles(archive.read_bytes()) == []
    restored.dispose()


def test_a_passphrase_archive_restores_only_with_its_passphrase(
    sqlite_db: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    add_canary(sqlite_db, sqlite_settings)
    archive = tmp_path / "b.hwb"
    create_backup(sqlite_db, sqlite_settings, archive, "admin", passphrase="long shared phrase")
    target = resolve_settings(tmp_path / "r", None, sqlite_settings.key_file)
    with pytest.raises(ArchiveError, match="passphrase"):
        restore_backup(target, archive, "admin")
    with pytest.raises(ArchiveError, match="wrong key or passphrase"):
        restore_backup(target, archive, "admin", passphrase="another phrase")
    assert not target.data_dir.exists() or not any(target.data_dir.iterdir())
    restore_backup(target, archive, "admin", passphrase="long shared phrase")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda blob: blob[:-40], "truncated|damaged"),
        (
            lambda blob: (
                blob[: len(blob) // 2]
                + bytes([blob[len(blob) // 2] ^ 1])
                + blob[len(blob) // 2 + 1 :]
            ),
            "damaged",
        ),
        (lambda blob: b"GARBAGE" + blob, "not a havenwatch backup"),
        (lambda blob: blob + b"trailing", "damaged|unexpected data"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_is_changed(
    sqlite_db: Database,
    sqlite_settings: Settings,
    tmp_path: Path,
    damage: Callable[[bytes], bytes],
    message: str,
) -> None:
    add_canary(sqlite_db, sqlite_settings)
    archive = tmp_path / "b.hwb"
    create_backup(sqlite_db, sqlite_settings, archive, "admin")
    archive.write_bytes(damage(archive.read_bytes()))
    target = resolve_settings(tmp_path / "r", None, sqlite_settings.key_file)
    with pytest.raises(ArchiveError, match=message):
        restore_backup(target, archive, "admin")
    assert not (target.data_dir / "havenwatch.db").exists()


def test_an_archive_made_under_another_key_is_refused_by_name(
    sqlite_db: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    add_canary(sqlite_db, sqlite_settings)
    archive = tmp_path / "b.hwb"
    create_backup(sqlite_db, sqlite_settings, archive, "admin")
    old_id = sqlite_db.require_keyring().key_id
    rotate_keys(sqlite_db, sqlite_settings.key_file, "admin")
    target = resolve_settings(tmp_path / "r", None, sqlite_settings.key_file)
    with pytest.raises(ArchiveError, match=f"made with key file {old_id}"):
        restore_backup(target, archive, "admin")


def test_restore_never_overwrites_an_existing_instance_without_force(
    sqlite_db: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    canary = add_canary(sqlite_db, sqlite_settings)
    archive = tmp_path / "b.hwb"
    create_backup(sqlite_db, sqlite_settings, archive, "admin")
    later, _ = add_plain_person(sqlite_db, "Added After Backup")
    sqlite_db.dispose()
    with pytest.raises(RestoreRefused, match="already exists"):
        restore_backup(sqlite_settings, archive, "admin")
    restore_backup(sqlite_settings, archive, "admin", force=True)
    restored = open_database(sqlite_settings)
    from havenwatch.cases.people import list_people

    ids = {person.id for person in list_people(restored, scope=Scope.everything())}
    assert canary.person_id in ids and later not in ids
    restored.dispose()


def test_backup_refuses_to_overwrite_an_existing_file(
    sqlite_db: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "b.hwb"
    archive.write_bytes(b"precious")
    with pytest.raises(HavenwatchError, match="already exists"):
        create_backup(sqlite_db, sqlite_settings, archive, "admin")
    assert archive.read_bytes() == b"precious"


def test_the_audit_chain_in_a_restored_instance_verifies(
    db: Database, instance_settings: Settings, target_settings: Settings, tmp_path: Path
) -> None:
    add_canary(db, instance_settings)
    archive = tmp_path / "b.hwb"
    create_backup(db, instance_settings, archive, "admin")
    restore_backup(target_settings, archive, "admin")
    restored = open_database(target_settings)
    from havenwatch.store.audit_chain import AuditEntry

    with restored.read() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings().all()
    entries = [AuditEntry(**{k: row[k] for k in AuditEntry.__dataclass_fields__}) for row in rows]
    assert verify_chain(entries) is None
    restored.dispose()
