"""Purge: a person's data becomes unreadable everywhere, old backups included; retention."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import source_visibility
from havenwatch.cases.case_files import close_case, get_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person, find_people_by_name, get_person
from havenwatch.cases.sources import add_source
from havenwatch.cases.vault import read_document
from havenwatch.core.clock import today
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Event, Identity, Person, Source
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.crypto.keys import KeyFileError
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import accept_lead, count_leads, list_leads
from havenwatch.operations.archive import ArchiveError
from havenwatch.operations.backup import create_backup
from havenwatch.operations.purge import purge_people
from havenwatch.operations.restore import RestoreRefused, _unpack, restore_backup
from havenwatch.operations.retention import apply_retention, people_due, set_retention_days
from havenwatch.store.database import Database
from havenwatch.store.schema import (
    audit_log,
    lead_matches,
    lead_sources,
    people,
    person_name_keys,
    sources,
    teams,
)
from tests.monitor.ingest_support import REFUSED_AT_AIRPORT, write_report
from tests.protection_support import FULL_NAME, add_canary, add_plain_person, find_needles


def test_purge_makes_the_person_unreadable_and_records_it_without_identifying_data(
    db: Database, instance_settings: Settings
) -> None:
    canary = add_canary(db, instance_settings)
    other, _ = add_plain_person(db, "Ivan Petrov")
    report = purge_people(db, instance_settings, [canary.person_id], "admin")

    assert report.rotation is not None and report.purged[0].documents == 1
    assert (
        get_person(
            db, canary.person_id, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name
        is None
    )
    assert (
        get_case(db, canary.case_id, with_notes=True, actor="test", scope=Scope.everything()).notes
        is None
    )
    with pytest.raises(NotFoundError):
        read_document(db, instance_settings, canary.document.id, "t", scope=Scope.everything())
    assert find_people_by_name(db, FULL_NAME, scope=Scope.everything()) == []
    assert list(instance_settings.vault_dir.iterdir()) == []
    assert (
        get_person(
            db, other, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name
        == "Ivan Petrov"
    )
    with db.read() as conn:
        row = conn.execute(select(people).where(people.c.id == canary.person_id)).one()
        keys = conn.execute(
            select(person_name_keys).where(person_name_keys.c.person_id == canary.person_id)
        ).all()
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "person.purge")).one()
    assert (row.wrapped_key, row.identity, keys) == (None, None, [])
    assert row.purged_at is not None
    assert entry.detail == {"cases": 1, "events": 1, "documents": 1, "leads": 0, "sources": 0}
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
    close_case(
        db, case_a, "t", closed_on=today() - dt.timedelta(days=400), scope=Scope.everything()
    )
    close_case(db, case_b, "t", closed_on=today() - dt.timedelta(days=10), scope=Scope.everything())

    with pytest.raises(ValidationError, match="off"):
        apply_retention(db, instance_settings, "admin")
    set_retention_days(db, 365, "admin")
    assert people_due(db, 365) == [long_closed]
    report = apply_retention(db, instance_settings, "admin")
    assert [r.person_id for r in report.purged] == [long_closed]
    assert (
        get_person(
            db, long_closed, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name
        is None
    )
    for kept in (recently_closed, still_open):
        assert get_person(
            db, kept, actor="t", with_identity=True, scope=Scope.everything()
        ).identity.full_name
    assert people_due(db, 365) == []


def test_a_purge_naming_an_unknown_person_purges_no_one(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    person_id, _ = add_plain_person(sqlite_db, "Ivan Petrov")
    with pytest.raises(NotFoundError):
        purge_people(sqlite_db, sqlite_settings, [person_id, "no-such-person"], "admin")
    assert get_person(
        sqlite_db, person_id, actor="t", with_identity=True, scope=Scope.everything()
    ).identity.full_name


ORDERED_TO_LEAVE = (
    "Oleg Volokhonsky, a Russian activist, was ordered to leave Serbia within 30 days "
    "on 10 June 2024. The ministry did not answer questions."
)


def _ingest_report_naming(db: Database, directory: Path, name: str) -> None:
    write_report(
        directory, f"{len(list(directory.glob('*')))}.txt", REFUSED_AT_AIRPORT.format(name=name)
    )
    run_ingest(db, [str(directory)], "test")


def test_purge_erases_the_persons_leads_and_their_match_history(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    person_id, case_id = add_plain_person(db, "Oleg Volokhonsky")
    _ingest_report_naming(db, tmp_path / "news", "Oleg Volokhonsky")
    (decided,) = list_leads(db, scope=Scope.everything())
    accept_lead(db, decided.id, "test", case_id=case_id, scope=Scope.everything())
    write_report(tmp_path / "more", "order.txt", ORDERED_TO_LEAVE)
    run_ingest(db, [str(tmp_path / "more")], "test")
    assert count_leads(db, scope=Scope.everything()) == 2
    purge_people(db, instance_settings, [person_id], "admin")
    assert list_leads(db, scope=Scope.everything()) == []
    with db.read() as conn:
        assert conn.execute(select(lead_matches)).all() == []
        assert conn.execute(select(lead_sources)).all() == []


def test_purge_cuts_the_persons_match_from_a_lead_that_also_matched_someone_else(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    purged = add_person(
        db,
        Person(pseudonym="P1", identity=Identity(full_name="Oleg Volokhonsky"), team="nis"),
        "t",
        scope=Scope.everything(),
    )
    kept = add_person(
        db,
        Person(pseudonym="P2", identity=Identity(full_name="Oleg Volokhonsky"), team="sava"),
        "t",
        scope=Scope.everything(),
    )
    _ingest_report_naming(db, tmp_path / "news", "Oleg Volokhonsky")
    with db.read() as conn:
        team_ids = {row.name: row.id for row in conn.execute(select(teams))}
    purge_people(db, instance_settings, [purged.id or ""], "admin")
    (lead,) = list_leads(db, scope=Scope.everything())
    assert (lead.candidate_person_id, lead.match_reason) == (kept.id, "whole_name")
    assert count_leads(db, scope=Scope.teams(team_ids["nis"])) == 0
    assert count_leads(db, scope=Scope.teams(team_ids["sava"])) == 1


def _team_source_only_they_cite(db: Database, case_id: str) -> str:
    source, _ = add_source(
        db,
        Source(title="Team A's scan", text="A report only team A holds."),
        "t",
        scope=Scope.everything(),
    )
    add_event(
        db,
        Event(case_id=case_id, type="entry_ban", source_ids=[source.id or ""]),
        "t",
        scope=Scope.everything(),
    )
    return source.id or ""


def _visible_to_another_team(db: Database, source_id: str) -> bool:
    with db.read() as conn:
        query = select(sources.c.id).where(
            sources.c.id == source_id, source_visibility(Scope.teams("another-team"))
        )
        return conn.execute(query).first() is not None


def test_purge_deletes_a_team_source_it_leaves_linked_to_nothing(
    db: Database, instance_settings: Settings
) -> None:
    person_id, case_id = add_plain_person(db, "Ivan Petrov")
    source_id = _team_source_only_they_cite(db, case_id)
    assert not _visible_to_another_team(db, source_id)
    report = purge_people(db, instance_settings, [person_id], "admin")
    assert report.purged[0].sources == 1
    assert not _visible_to_another_team(db, source_id)
    with db.read() as conn:
        assert conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is None


def test_retention_deletes_a_team_source_it_leaves_linked_to_nothing(
    db: Database, instance_settings: Settings
) -> None:
    person_id, case_id = add_plain_person(db, "Ivan Petrov")
    source_id = _team_source_only_they_cite(db, case_id)
    close_case(
        db, case_id, "t", closed_on=today() - dt.timedelta(days=400), scope=Scope.everything()
    )
    report = apply_retention(db, instance_settings, "admin", closed_for_days=365)
    assert [result.person_id for result in report.purged] == [person_id]
    assert not _visible_to_another_team(db, source_id)


def test_purge_keeps_a_source_another_persons_event_still_cites(
    db: Database, instance_settings: Settings
) -> None:
    purged, case_a = add_plain_person(db, "Ivan Petrov")
    _, case_b = add_plain_person(db, "Anna Morozova")
    source_id = _team_source_only_they_cite(db, case_a)
    add_event(
        db,
        Event(case_id=case_b, type="entry_ban", source_ids=[source_id]),
        "t",
        scope=Scope.everything(),
    )
    purge_people(db, instance_settings, [purged], "admin")
    with db.read() as conn:
        assert conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first()
    assert not _visible_to_another_team(db, source_id)
