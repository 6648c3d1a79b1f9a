"""The case view: what the case page and `GET /api/v1/cases/{id}` show, in one read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Connection, event

from havenwatch.access.accounts import add_user
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.case_view import ViewRights, case_view
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cases.sources import add_source
from havenwatch.cases.vault import store_document
from havenwatch.core.dates import from_day
from havenwatch.core.errors import NotFoundError
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_trail import list_entries
from havenwatch.store.database import Database

EVERYTHING = Scope.everything()
NO_NOTES = ViewRights(notes=False, source_names=True, documents=True)
SERVED = date(2025, 3, 3)


def _case(db: Database, settings: Settings) -> tuple[str, str]:
    """A case of team "nis" with an order to leave, a cited report and a document."""
    add_user(db, "anna", "a long enough password 7", "caseworker", "nis", "t")
    person = add_person(
        db,
        Person(pseudonym="Heron", identity=Identity(full_name="Oleg Volokhonsky"), team="nis"),
        "t",
        scope=EVERYTHING,
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", notes="met at the office", team="nis"),
        "t",
        scope=EVERYTHING,
    )
    source, _ = add_source(db, Source(title="Told to leave", text="..."), "t", scope=EVERYTHING)
    add_event(
        db,
        Event(
            case_id=case.id or "",
            type="expulsion_order",
            date=from_day(SERVED),
            served_on=SERVED,
            deadline_days=30,
            notes="served at home",
            source_ids=[source.id or ""],
        ),
        "t",
        scope=EVERYTHING,
    )
    store_document(
        db, settings, case_id=case.id or "", filename="order.txt", data=b"order\n", actor="t",
        scope=EVERYTHING,
    )  # fmt: skip
    return person.id or "", case.id or ""


def test_a_case_view_holds_everything_the_case_page_shows(
    db: Database, instance_settings: Settings
) -> None:
    person_id, case_id = _case(db, instance_settings)
    view = case_view(db, Scope.everything(), case_id, rights=NO_NOTES, reader="anna", today=SERVED)
    assert (view.case.id, view.person.id, view.person.pseudonym) == (case_id, person_id, "Heron")
    assert [event.type for event in view.timeline] == ["expulsion_order"]
    assert [source.title for source in view.sources.values()] == ["Told to leave"]
    assert view.plan is not None and view.plan.deadlines
    assert [doc.filename for doc in view.documents] == ["order.txt"]
    assert [name for _, name in view.assignees] == ["anna"]
    assert view.case.notes is None and view.timeline[0].notes is None


def test_a_case_view_with_notes_is_one_audit_entry(
    db: Database, instance_settings: Settings
) -> None:
    _, case_id = _case(db, instance_settings)
    rights = ViewRights.everything()
    view = case_view(db, Scope.everything(), case_id, rights=rights, reader="anna", today=SERVED)
    assert (view.case.notes, view.timeline[0].notes) == ("met at the office", "served at home")
    entries = list_entries(db, scope=EVERYTHING, actor="anna")
    assert [(entry.action, entry.case_id, entry.detail) for entry in entries] == [
        ("case.read_notes", case_id, {"events": True, "steps": True})
    ]


def test_a_case_view_without_notes_records_no_read(
    db: Database, instance_settings: Settings
) -> None:
    _, case_id = _case(db, instance_settings)
    case_view(db, Scope.everything(), case_id, rights=NO_NOTES, reader="anna", today=SERVED)
    assert list_entries(db, scope=EVERYTHING, actor="anna") == []


def test_a_case_view_is_read_in_one_transaction(db: Database, instance_settings: Settings) -> None:
    _, case_id = _case(db, instance_settings)
    begun: list[bool] = []

    def count(conn: Connection) -> None:
        begun.append(bool(conn.get_execution_options().get("havenwatch_write")))

    event.listen(db.engine, "begin", count)
    try:
        case_view(
            db, Scope.everything(), case_id, rights=ViewRights.everything(), reader="anna",
            today=SERVED + timedelta(days=1),
        )  # fmt: skip
    finally:
        event.remove(db.engine, "begin", count)
    assert begun.count(False) == 1


@pytest.mark.parametrize("scope", [Scope.teams("another-team"), Scope.teams()])
def test_a_case_outside_the_scope_is_not_found(
    db: Database, instance_settings: Settings, scope: Scope
) -> None:
    _, case_id = _case(db, instance_settings)
    with pytest.raises(NotFoundError):
        case_view(db, scope, case_id, rights=ViewRights.everything(), reader="anna", today=SERVED)
    assert list_entries(db, scope=EVERYTHING, actor="anna") == []
