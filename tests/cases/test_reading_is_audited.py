from __future__ import annotations

import pytest

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case, get_case, get_case_file
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.people import add_person, get_person
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.operations.audit_trail import list_entries
from havenwatch.store.database import Database


def _case_with_notes(db: Database) -> tuple[str, str]:
    person = add_person(
        db,
        Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky")),
        "t",
        scope=Scope.everything(),
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", notes="met at the office"),
        "t",
        scope=Scope.everything(),
    )
    add_event(
        db,
        Event(case_id=case.id or "", type="entry_ban", notes="held for six hours"),
        "t",
        scope=Scope.everything(),
    )
    return person.id or "", case.id or ""


def test_every_read_of_identity_or_notes_leaves_an_audit_entry(db: Database) -> None:
    person_id, case_id = _case_with_notes(db)
    get_person(db, person_id, actor="anna", with_identity=True, scope=Scope.everything())
    assert (
        get_case(db, case_id, with_notes=True, actor="anna", scope=Scope.everything()).notes
        == "met at the office"
    )
    assert (
        list_events(db, case_id, with_notes=True, actor="anna", scope=Scope.everything())[0].notes
        == "held for six hours"
    )
    actions = {entry.action for entry in list_entries(db, actor="anna", scope=Scope.everything())}
    assert {"person.read_identity", "case.read_notes", "events.read_notes"} <= actions


def test_reading_without_notes_records_nothing(db: Database) -> None:
    _, case_id = _case_with_notes(db)
    get_case(db, case_id, scope=Scope.everything())
    list_events(db, case_id, scope=Scope.everything())
    assert list_entries(db, actor="anna", scope=Scope.everything()) == []


def test_notes_cannot_be_opened_anonymously(db: Database) -> None:
    _, case_id = _case_with_notes(db)
    with pytest.raises(ValueError, match="audit trail"):
        list_events(db, case_id, with_notes=True, scope=Scope.everything())


def test_a_case_file_is_read_with_one_audit_entry(db: Database) -> None:
    _, case_id = _case_with_notes(db)
    found = get_case_file(db, case_id, scope=Scope.everything(), actor="anna", with_notes=True)
    assert found.case.notes == "met at the office"
    assert [event.notes for event in found.timeline] == ["held for six hours"]
    entries = list_entries(db, actor="anna", scope=Scope.everything())
    assert [(entry.action, entry.case_id, entry.detail) for entry in entries] == [
        ("case.read_notes", case_id, {"events": True})
    ]


def test_a_case_file_without_notes_records_nothing(db: Database) -> None:
    _, case_id = _case_with_notes(db)
    found = get_case_file(db, case_id, scope=Scope.everything(), actor="anna", with_notes=False)
    assert found.case.notes is None and found.timeline[0].notes is None
    assert list_entries(db, actor="anna", scope=Scope.everything()) == []
