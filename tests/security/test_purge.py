"""Purge: a person's data becomes unreadable everywhere, old backups included; retention."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from protection_support import FULL_NAME, add_canary, add_plain_person, find_needles
from sqlalchemy import select

from havenwatch.cases.case_files import close_case, get_case
from havenwatch.cases.errors import NotFoundError, ValidationError
from havenwatch.cases.people import find_people_by_name, get_person
from havenwatch.security.archive import ArchiveError
from havenwatch.security.backup import create_backup
from havenwatch.security.crypto import KeyFileError
from havenwatch.security.purge import purge_people
from havenwatch.security.restore import RestoreRefused, _unpack, restore_backup
from havenwatch.security.retention import apply_retention, people_due, set_retention_days
from havenwatch.security.vault import read_document
from havenwatch.settings import Settings, resolve_settings
from havenwatch.store.clock import today
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, people, person_name_keys


def test_purge_makes_the_person_unreadable_and_records_it_without_identifying_data(
    db: Database, instance_settings: Settings
) -> None:
    canary = add_canary(db, instance_settings)
    other, _ = add_plain_person(db, "Ivan Petrov")
    report = purge_people(db, instance_settings, [canary.person_id], "admin")

    assert report.rotation is not None and report.purged[0].documents == 1
    assert (
        get_person(db, canary.person_id, actor="t", with_identity=True).identity.full_name is None
    )
    assert get_case(db, canary.case_id, with_notes=True, actor="test").notes is None
    with pytest.raises(NotFoundError):
        read_document(db, instance_settings, canary.document.id, "t")
    assert find_people_by_name(db, FULL_NAME) == []
    assert list(instance_settings.vault_dir.iterdir()) == []
    assert get_person(db, other, actor="t", with_identity=True).identity.full_name == "Ivan Petrov"
    with db.read() as conn:
        row = conn.execute(select(people).where(people.c.id == canary.person_id)).one()
        keys = conn.execute(
            select(person_name_keys).where(person_name_keys.c.person_id == canary.person_id)
        ).all()
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "person.purge")).one()
    assert (row.wrapped_key, row.identity, keys) == (None, None, [])
    assert row.purged_at is not None
    assert entry.detail == {"cases": 1, "events": 1, "documents": 1}
    assert find_needles(json.dumps(entry.detail).encode()) == []


def test_a_backup_taken_before_the_purge_cannot_give_the_person_back(
    sqlite_db: Database, sqlite_settings: Settings, tmp_path: Path
) -> None:
    canary = add_canary(sqlite_db, sqlite_settings)
    instance_archive, phrase_archive = tmp_path / "a.hwb", tmp_path / "p.hwb"
    create_backup(sqlite_db, sqlite_settings, instance_archive, "admin")
    create_backup(sqlite_db, sqlite_settings, phrase_archive, "admin", passphrase="shared phrase")
    purge_people(sqlite_db, sqlite_settings, [canary.person_id], "admin")
    current = sqlite_db.require_keyring()
    target = resolve_settings(tmp_path / "r", None, sqlite_settings.key_file)

    with pytest.raises(ArchiveError, match="made with key file"):
        restore_backup(target, instance_archive, "admin")
    with pytest.raises(RestoreRefused, match="encrypted under key file"):
        restore_backup(target, phrase_archive, "admin", passphrase="shared phrase")

    staging = tmp_path / "attacker"
    staging.mkdir()
    _unpack(phrase_archive, staging, current, "shared phrase")
    old = sqlite3.connect(staging / "database.sqlite")
    (wrapped,) = old.execute(
        "SELECT wrapped_key FROM people WHERE id = ?", (canary.person_id,)
    ).fetchone()
    old.close()
    with pytest.raises(KeyFileError):
        current.unwrap(bytes(wrapped), canary.person_id)


def test_purged_data_is_gone_from_the_sqlite_file_and_wal(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    canary = add_canary(sqlite_db, sqlite_settings)
    with sqlite_db.read() as conn:
        wrapped = conn.execute(
            select(people.c.wrapped_key).where(people.c.id == canary.person_id)
        ).scalar_one()
    purge_people(sqlite_db, sqlite_settings, [canary.person_id], "admin")
    sqlite_db.dispose()
    base = sqlite_settings.database_url.removeprefix("sqlite:///")
    for suffix in ("", "-wal"):
        path = Path(base + suffix)
        if path.exists():
            assert wrapped not in path.read_bytes()


def test_retention_purges_only_people_whose_cases_were_all_closed_long_enough(
    db: Database, instance_settings: Settings
) -> None:
    long_closed, case_a = add_plain_person(db, "Long Closed")
    recently_closed, case_b = add_plain_person(db, "Recently Closed")
    still_open, _ = add_plain_person(db, "Still Open")
    close_case(db, case_a, "t", closed_on=today() - dt.timedelta(days=400))
    close_case(db, case_b, "t", closed_on=today() - dt.timedelta(days=10))

    with pytest.raises(ValidationError, match="off"):
        apply_retention(db, instance_settings, "admin")
    set_retention_days(db, 365, "admin")
    assert people_due(db, 365) == [long_closed]
    report = apply_retention(db, instance_settings, "admin")
    assert [r.person_id for r in report.purged] == [long_closed]
    assert get_person(db, long_closed, actor="t", with_identity=True).identity.full_name is None
    for kept in (recently_closed, still_open):
        assert get_person(db, kept, actor="t", with_identity=True).identity.full_name
    assert people_due(db, 365) == []


def test_a_purge_naming_an_unknown_person_purges_no_one(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    person_id, _ = add_plain_person(sqlite_db, "Ivan Petrov")
    with pytest.raises(NotFoundError):
        purge_people(sqlite_db, sqlite_settings, [person_id, "no-such-person"], "admin")
    assert get_person(sqlite_db, person_id, actor="t", with_identity=True).identity.full_name
