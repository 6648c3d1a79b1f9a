from __future__ import annotations

import pytest

from havenwatch.cases.model import Identity, Person
from havenwatch.cases.name_index import SETTING, index_is_current
from havenwatch.cases.people import add_person, find_people_by_name
from havenwatch.security.instance_values import write_value
from havenwatch.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.instance import NotInitialised, open_database, upgrade
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
    add_person(db, Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")), "t")
    _stale_index(db)
    with pytest.raises(NotInitialised, match="run `havenwatch migrate`"):
        open_database(instance_settings)


def test_migrate_rebuilds_the_name_index_so_names_are_found_again(db: Database) -> None:
    person = add_person(
        db, Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")), "t"
    )
    _stale_index(db)
    assert find_people_by_name(db, "Волохонский") == []
    upgrade(db)
    assert find_people_by_name(db, "Волохонский") == [person.id]
    with db.read() as conn:
        assert index_is_current(conn)
