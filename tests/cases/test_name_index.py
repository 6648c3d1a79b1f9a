from __future__ import annotations

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.name_index import SETTING, index_is_current
from havenwatch.cases.people import add_person, find_people_by_name
from havenwatch.core.model import Identity, Person
from havenwatch.core.names import name_keys
from havenwatch.core.settings import Settings
from havenwatch.operations.instance import NotInitialised, open_database, upgrade
from havenwatch.store.database import Database
from havenwatch.store.instance_values import write_value
from havenwatch.store.schema import person_name_keys


def _stale_index(db: Database) -> None:
    """What an instance looks like after the name-folding rules changed."""
    with db.write("test") as unit:
        unit.conn.execute(person_name_keys.delete())
        write_value(unit.conn, SETTING, "old-rules")


def test_a_new_instance_has_a_current_name_index(db: Database) -> None:
    with db.read() as conn:
        assert index_is_current(conn)


def test_an_instance_indexed_by_old_rules_must_be_migrated_first(
    db: Database, instance_settings: Settings
) -> None:
    add_person(
        db,
        Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "t",
        scope=Scope.everything(),
    )
    _stale_index(db)
    with pytest.raises(NotInitialised, match="run `havenwatch migrate`"):
        open_database(instance_settings)


def test_migrate_rebuilds_the_name_index_so_names_are_found_again(db: Database) -> None:
    person = add_person(
        db,
        Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "t",
        scope=Scope.everything(),
    )
    _stale_index(db)
    assert find_people_by_name(db, "Волохонский", scope=Scope.everything()) == []
    upgrade(db)
    assert find_people_by_name(db, "Волохонский", scope=Scope.everything()) == [person.id]
    with db.read() as conn:
        assert index_is_current(conn)


def _keys_of(db: Database, person_id: str) -> set[str]:
    with db.read() as conn:
        return set(
            conn.execute(
                select(person_name_keys.c.name_key).where(person_name_keys.c.person_id == person_id)
            ).scalars()
        )


def test_no_key_of_a_pseudonym_equals_the_key_of_the_same_word_in_a_real_name(
    db: Database,
) -> None:
    keyring = db.require_keyring()
    heron = add_person(
        db,
        Person(pseudonym="Elena Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "t",
        scope=Scope.everything(),
    )
    elena = add_person(
        db,
        Person(pseudonym="Kestrel", identity=Identity(full_name="Elena Petrova")),
        "t",
        scope=Scope.everything(),
    )

    assert not _keys_of(db, heron.id or "") & _keys_of(db, elena.id or "")
    real_keys = {keyring.blind_index(k) for k in name_keys("Oleg Volokhonsky")}
    assert real_keys <= _keys_of(db, heron.id or "")
    assert keyring.blind_index("elen") not in _keys_of(db, heron.id or "")
    assert find_people_by_name(db, "Elena", scope=Scope.everything()) == sorted(
        [heron.id, elena.id]
    )
    assert find_people_by_name(db, "Volokhonsky Oleg", scope=Scope.everything()) == [heron.id]


def test_migrate_replaces_pseudonym_keys_left_by_the_older_index_layout(db: Database) -> None:
    keyring = db.require_keyring()
    person = add_person(
        db,
        Person(pseudonym="Elena Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "t",
        scope=Scope.everything(),
    )
    old_keys = {keyring.blind_index(k) for k in name_keys("Elena Heron")}
    with db.write("test") as unit:
        unit.conn.execute(
            person_name_keys.insert(),
            [{"person_id": person.id, "name_key": key} for key in old_keys],
        )
        write_value(unit.conn, SETTING, "fingerprint-of-layout-1")

    upgrade(db)

    assert not _keys_of(db, person.id or "") & old_keys
    assert find_people_by_name(db, "Volokhonsky", scope=Scope.everything()) == [person.id]
    assert find_people_by_name(db, "Heron", scope=Scope.everything()) == [person.id]
