from __future__ import annotations

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.people import (
    add_person,
    edit_person,
    find_people_by_name,
    get_person,
    list_people,
    update_person,
)
from havenwatch.cases.search import search
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Identity, Person
from havenwatch.crypto.keys import KeyFileError
from havenwatch.store.database import Database
from havenwatch.store.schema import people
from tests.helpers import snapshot


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
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    shown = get_person(db, added.id, actor="test", with_identity=True, scope=Scope.everything())
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
    first = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    second = add_person(
        db,
        Person(pseudonym="Wren", identity=Identity(full_name="Ana Koposova")),
        "test",
        scope=Scope.everything(),
    )
    assert first.id and second.id
    _swap_wrapped_keys(db, first.id, second.id)
    for person_id in (first.id, second.id):
        with pytest.raises(KeyFileError, match=f"person {person_id} does not open"):
            get_person(db, person_id, actor="test", with_identity=True, scope=Scope.everything())


def test_identity_is_not_stored_in_clear(db: Database) -> None:
    add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    with db.read() as conn:
        row = conn.execute(people.select()).one()
    stored = bytes(row.identity)
    for secret in ("Volokhonsky", "Волохонский", "381600000000", "river"):
        assert secret.encode() not in stored


@pytest.mark.parametrize("typed", ["Volokhonsky", "Volokhonski", "Волохонский", "volohonski"])
def test_a_name_is_found_in_any_script_or_spelling_through_the_blind_index(
    db: Database, typed: str
) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert find_people_by_name(db, typed, scope=Scope.everything()) == [added.id]


def test_an_unrelated_name_finds_nobody(db: Database) -> None:
    add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert find_people_by_name(db, "Koposova", scope=Scope.everything()) == []


def test_lists_never_carry_identity(db: Database) -> None:
    add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    listed = list_people(db, scope=Scope.everything())
    assert [p.pseudonym for p in listed] == ["Heron"]
    assert listed[0].identity.full_name is None


def test_people_of_other_teams_are_invisible(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    assert list_people(db, scope=Scope.teams("no-such-team")) == []
    with pytest.raises(NotFoundError):
        get_person(db, added.id, actor="test", scope=Scope.teams("no-such-team"))


def test_update_rebuilds_the_blind_index(db: Database) -> None:
    person = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    person.identity = Identity(full_name="Elena Koposova")
    update_person(db, person, "test", scope=Scope.everything())
    assert find_people_by_name(db, "Volokhonsky", scope=Scope.everything()) == []
    assert find_people_by_name(db, "Копосова", scope=Scope.everything()) == [person.id]


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
        add_person(db, person, "test", scope=Scope.everything())
    assert error.value.field == field
    assert list_people(db, scope=Scope.everything()) == []


def _audit_entries(db: Database, action: str) -> list[dict[str, object]]:
    from havenwatch.store.schema import audit_log

    with db.read() as conn:
        rows = conn.execute(
            select(audit_log.c.target_id, audit_log.c.detail)
            .where(audit_log.c.action == action)
            .order_by(audit_log.c.seq)
        ).all()
    return [{"target_id": row.target_id, **row.detail} for row in rows]


def test_editing_names_moves_the_blind_index_from_the_old_name_to_the_new(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(
        db,
        added.id,
        "test",
        identity_changes={"full_name": "Elena Koposova", "other_names": ["Елена Копосова"]},
        scope=Scope.everything(),
    )
    for old in ("Volokhonsky", "Волохонский"):
        assert find_people_by_name(db, old, scope=Scope.everything()) == []
    for new in ("Koposova", "Копосова", "Koposova Elena"):
        assert find_people_by_name(db, new, scope=Scope.everything()) == [added.id]


def test_editing_the_pseudonym_replaces_it_in_the_search_index(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(db, added.id, "test", changes={"pseudonym": "  Osprey  "}, scope=Scope.everything())
    assert search(db, "heron", scope=Scope.everything())["person"] == []
    assert search(db, "osprey", scope=Scope.everything())["person"] == [added.id]
    assert get_person(db, added.id, actor="test", scope=Scope.everything()).pseudonym == "Osprey"


def test_an_edit_changes_only_the_given_fields_and_keeps_the_rest(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(
        db,
        added.id,
        "test",
        changes={"risk_level": "high"},
        identity_changes={"contact": None, "address": "Zemun"},
        scope=Scope.everything(),
    )
    stored = get_person(db, added.id, actor="test", with_identity=True, scope=Scope.everything())
    assert (stored.pseudonym, stored.nationality, stored.risk_level) == ("Heron", "RU", "high")
    assert stored.identity.full_name == "Oleg Volokhonsky"
    assert stored.identity.notes == "lives near the river"
    assert (stored.identity.contact, stored.identity.address) == (None, "Zemun")


def test_clearing_the_other_spellings_empties_them_and_their_index_keys(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(
        db, added.id, "test", identity_changes={"other_names": None}, scope=Scope.everything()
    )
    stored = get_person(db, added.id, actor="test", with_identity=True, scope=Scope.everything())
    assert stored.identity.other_names == []
    assert find_people_by_name(db, "Волохонский", scope=Scope.everything()) == [
        added.id
    ]  # the full name still folds
    edit_person(
        db, added.id, "test", identity_changes={"full_name": None}, scope=Scope.everything()
    )
    assert find_people_by_name(db, "Волохонский", scope=Scope.everything()) == []
    assert find_people_by_name(db, "Heron", scope=Scope.everything()) == [added.id]


def test_an_edit_is_audited_with_the_names_of_changed_fields_never_their_values(
    db: Database,
) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(
        db,
        added.id,
        "test",
        changes={"pseudonym": "Osprey", "nationality": "RU"},
        identity_changes={"full_name": "Elena Koposova"},
        scope=Scope.everything(),
    )
    entries = _audit_entries(db, "person.update")
    assert entries == [{"target_id": added.id, "changed": ["pseudonym", "identity.full_name"]}]
    assert "Koposova" not in repr(entries) and "Osprey" not in repr(entries)


def test_an_edit_that_changes_nothing_writes_nothing(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    before = snapshot(db)
    edit_person(
        db,
        added.id,
        "test",
        changes={"pseudonym": "Heron"},
        identity_changes={"full_name": "Oleg Volokhonsky"},
        scope=Scope.everything(),
    )
    assert snapshot(db) == before


def test_an_edited_identity_is_sealed_again_not_stored_in_clear(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    edit_person(
        db,
        added.id,
        "test",
        identity_changes={"full_name": "Elena Koposova"},
        scope=Scope.everything(),
    )
    with db.read() as conn:
        stored = bytes(conn.execute(select(people.c.identity)).scalar_one())
    assert b"Koposova" not in stored and b"river" not in stored


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pseudonym": "   "}, "pseudonym"),
        ({"pseudonym": None}, "pseudonym"),
        ({"nationality": "Russia"}, "nationality"),
        ({"risk_level": None}, "risk_level"),
        ({"family_affected_count": -1}, "family_affected_count"),
    ],
)
def test_an_invalid_edit_is_refused_and_nothing_is_written(
    db: Database, changes: dict[str, object], field: str
) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    before = snapshot(db)
    with pytest.raises(ValidationError) as error:
        edit_person(db, added.id, "test", changes=changes, scope=Scope.everything())
    assert error.value.field == field
    assert snapshot(db) == before


def test_a_person_of_another_team_cannot_be_edited(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    with pytest.raises(NotFoundError):
        edit_person(
            db, added.id, "test", changes={"pseudonym": "X"}, scope=Scope.teams("other-team")
        )
    with pytest.raises(NotFoundError):
        update_person(db, added, "test", scope=Scope.teams("other-team"))
    assert get_person(db, added.id, actor="test", scope=Scope.everything()).pseudonym == "Heron"


def test_a_purged_person_cannot_be_edited_back_into_the_name_index(db: Database) -> None:
    from havenwatch.operations.purge import shred_person

    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    with db.write("test") as unit:
        shred_person(unit, db.require_keyring(), added.id)
    with pytest.raises(ValidationError, match="purged"):
        edit_person(
            db,
            added.id,
            "test",
            identity_changes={"full_name": "Oleg Volokhonsky"},
            scope=Scope.everything(),
        )
    assert find_people_by_name(db, "Volokhonsky", scope=Scope.everything()) == []


def test_unknown_field_names_are_a_programming_error(db: Database) -> None:
    added = add_person(db, _volokhonsky(), "test", scope=Scope.everything())
    assert added.id
    with pytest.raises(ValueError, match="team"):
        edit_person(db, added.id, "test", changes={"team": "other"}, scope=Scope.everything())
