from __future__ import annotations

import pytest
from sqlalchemy import select

from havenwatch.cases.errors import NotFoundError, ValidationError
from havenwatch.cases.model import Identity, Person
from havenwatch.cases.people import (
    add_person,
    find_people_by_name,
    get_person,
    list_people,
    update_person,
)
from havenwatch.security.crypto import KeyFileError
from havenwatch.store.database import Database
from havenwatch.store.schema import people


def _volokhonsky() -> Person:
    return Person(
        pseudonym="Heron",
        identity=Identity(
            full_name="Oleg Volokhonsky",
            other_names=["Олег Волохонский"],
            contact="signal:+381600000000",
            notes="lives near the river",
        ),
        nationality="RU",
    )


def test_identity_round_trips_through_encryption(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test")
    assert added.id
    shown = get_person(db, added.id, actor="test", with_identity=True)
    assert shown.identity.full_name == "Oleg Volokhonsky"
    assert shown.identity.other_names == ["Олег Волохонский"]


def _swap_wrapped_keys(db: Database, first_id: str, second_id: str) -> None:
    with db.write("attacker") as unit:
        query = select(people.c.id, people.c.wrapped_key).where(
            people.c.id.in_([first_id, second_id])
        )
        keys = {row.id: row.wrapped_key for row in unit.conn.execute(query)}
        for person_id, other_id in ((first_id, second_id), (second_id, first_id)):
            unit.conn.execute(
                people.update().where(people.c.id == person_id).values(wrapped_key=keys[other_id])
            )


def test_swapped_wrapped_keys_open_neither_identity(db: Database) -> None:
    first = add_person(db, _volokhonsky(), "test")
    second = add_person(
        db, Person(pseudonym="Wren", identity=Identity(full_name="Ana Koposova")), "test"
    )
    assert first.id and second.id
    _swap_wrapped_keys(db, first.id, second.id)
    for person_id in (first.id, second.id):
        with pytest.raises(KeyFileError, match=f"person {person_id} does not open"):
            get_person(db, person_id, actor="test", with_identity=True)


def test_identity_is_not_stored_in_clear(db: Database) -> None:
    add_person(db, _volokhonsky(), "test")
    with db.read() as conn:
        row = conn.execute(people.select()).one()
    stored = bytes(row.identity)
    for secret in ("Volokhonsky", "Волохонский", "381600000000", "river"):
        assert secret.encode() not in stored


@pytest.mark.parametrize("typed", ["Volokhonsky", "Volokhonski", "Волохонский", "volohonski"])
def test_a_name_is_found_in_any_script_or_spelling_through_the_blind_index(
    db: Database, typed: str
) -> None:
    added = add_person(db, _volokhonsky(), "test")
    assert find_people_by_name(db, typed) == [added.id]


def test_an_unrelated_name_finds_nobody(db: Database) -> None:
    add_person(db, _volokhonsky(), "test")
    assert find_people_by_name(db, "Koposova") == []


def test_lists_never_carry_identity(db: Database) -> None:
    add_person(db, _volokhonsky(), "test")
    listed = list_people(db)
    assert [p.pseudonym for p in listed] == ["Heron"]
    assert listed[0].identity.full_name is None


def test_people_of_other_teams_are_invisible(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test")
    assert added.id
    assert list_people(db, team_ids=["no-such-team"]) == []
    with pytest.raises(NotFoundError):
        get_person(db, added.id, actor="test", team_ids=["no-such-team"])


def test_update_rebuilds_the_blind_index(db: Database) -> None:
    person = add_person(db, _volokhonsky(), "test")
    person.identity = Identity(full_name="Elena Koposova")
    update_person(db, person, "test")
    assert find_people_by_name(db, "Volokhonsky") == []
    assert find_people_by_name(db, "Копосова") == [person.id]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pseudonym": " "}, "pseudonym"),
        ({"nationality": "Russia"}, "nationality"),
        ({"consent": "maybe"}, "consent"),
        ({"risk_level": "extreme"}, "risk_level"),
    ],
)
def test_invalid_people_are_refused_and_nothing_is_written(
    db: Database, change: dict[str, str], field: str
) -> None:
    person = _volokhonsky()
    for name, value in change.items():
        setattr(person, name, value)
    with pytest.raises(ValidationError) as error:
        add_person(db, person, "test")
    assert error.value.field == field
    assert list_people(db) == []
