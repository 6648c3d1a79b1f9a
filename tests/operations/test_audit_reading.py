"""Reading the log for admins (filtered, newest first) and recording reads of identities."""

from __future__ import annotations

import json

from havenwatch.access.scope import Scope
from havenwatch.cases.people import add_person, get_person
from havenwatch.core.model import Identity, Person
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_trail import count_entries, list_entries
from havenwatch.store.database import Database
from tests.operations.audit_cli import run_cli, write_entries


def test_entries_are_listed_newest_first_and_filtered_by_actor_case_and_action(
    db: Database,
) -> None:
    write_entries(db, 3, actor="alice", case_id="case-a")
    write_entries(db, 2, actor="bob", case_id="case-b")

    assert [e.seq for e in list_entries(db, scope=Scope.everything())] == [5, 4, 3, 2, 1]
    assert [e.seq for e in list_entries(db, actor="alice", scope=Scope.everything())] == [3, 2, 1]
    assert [e.seq for e in list_entries(db, case_id="case-b", scope=Scope.everything())] == [5, 4]
    assert [
        e.seq for e in list_entries(db, actor="alice", limit=2, offset=1, scope=Scope.everything())
    ] == [2, 1]
    assert count_entries(db, actor="bob", scope=Scope.everything()) == 2
    assert count_entries(db, action="test.change", case_id="case-a", scope=Scope.everything()) == 3
    assert count_entries(db, action="nothing.like.this", scope=Scope.everything()) == 0


def test_reading_a_persons_identity_is_recorded_with_who_read_it(db: Database) -> None:
    person = add_person(
        db,
        Person(pseudonym="Heron", identity=Identity(full_name="A B")),
        "clerk",
        scope=Scope.everything(),
    )
    assert person.id is not None

    get_person(db, person.id, actor="caseworker-7", with_identity=True, scope=Scope.everything())
    get_person(db, person.id, actor="caseworker-8", scope=Scope.everything())

    reads = list_entries(db, action="person.read_identity", scope=Scope.everything())
    assert [(e.actor, e.target_id) for e in reads] == [("caseworker-7", person.id)]


def test_audit_list_prints_json_for_one_case(db: Database, instance_settings: Settings) -> None:
    write_entries(db, 2, actor="alice", case_id="case-a")
    write_entries(db, 1, actor="bob", case_id="case-b")

    result = run_cli(instance_settings, "audit", "list", "--case", "case-a", "--format", "json")

    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [entry["seq"] for entry in listed] == [2, 1]
    assert {entry["actor"] for entry in listed} == {"alice"}
