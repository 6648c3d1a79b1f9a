"""Fields a team defines: typed values read as people write them, sealed when identifying,
scoped to the team, carried by the full export and the CSV in every language, and erased by
a purge."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.teams import team_id_by_name
from havenwatch.cases.case_files import add_case
from havenwatch.cases.csv_export import events_csv
from havenwatch.cases.csv_import import ImportError_, import_csv_rows
from havenwatch.cases.custom_fields import (
    define_field,
    list_fields,
    record_values,
    remove_field,
    set_values,
)
from havenwatch.cases.demo_instance import define_demo_fields
from havenwatch.cases.events import add_event, edit_event, list_events, update_event
from havenwatch.cases.interchange import dump_document, export_document, import_document
from havenwatch.cases.people import add_person
from havenwatch.cases.sheet_import import import_sheet, parse_file
from havenwatch.core.custom_fields import FieldDefinition, Option
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event, Person
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.operations.purge import purge_people
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, cases, custom_values
from tests.cases.sheet_samples import xlsx_of

DECISION_NUMBER = "03-26-1187/25 canary"
AGENCY = (
    Option("bia", {"en": "Security agency", "ru": "БИА", "sr_Latn": "BIA"}),
    Option("mup", {"en": "Interior ministry", "ru": "МВД", "sr_Latn": "MUP"}),
)
FIELDS = (
    FieldDefinition("occupation", "person", "text",
                    {"en": "Occupation", "ru": "Профессия", "sr_Latn": "Zanimanje"}),
    FieldDefinition("decision_number", "case", "text",
                    {"en": "Decision number", "ru": "Номер решения", "sr_Latn": "Broj rešenja"},
                    identifying=True),
    FieldDefinition("opinion_by", "case", "choice",
                    {"en": "Opinion by", "ru": "Заключение дал", "sr_Latn": "Mišljenje dao"},
                    options=AGENCY),
    FieldDefinition("days_given", "event", "number",
                    {"en": "Days given", "ru": "Дней дано", "sr_Latn": "Dato dana"}),
    FieldDefinition("revoked_on", "case", "date",
                    {"en": "Revoked on", "ru": "Отозван", "sr_Latn": "Opozvan"}),
    FieldDefinition("has_lawyer", "person", "yes_no",
                    {"en": "Has a lawyer", "ru": "Есть адвокат", "sr_Latn": "Ima advokata"}),
)  # fmt: skip


def _define(db: Database, team: str = "team-a") -> None:
    for definition in FIELDS:
        define_field(db, definition, "test", team=team, scope=Scope.everything())


def _story(db: Database, team: str = "team-a") -> tuple[str, str, str]:
    """A person, case and event of `team` with every field filled in."""
    person = add_person(
        db,
        Person(pseudonym="Kestrel", team=team),
        "test",
        scope=Scope.everything(),
        custom={"occupation": "journalist", "has_lawyer": "да"},
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team=team),
        "test",
        scope=Scope.everything(),
        custom={"decision_number": DECISION_NUMBER, "opinion_by": "БИА",
                "revoked_on": "03.03.2025."},
    )  # fmt: skip
    event = add_event(
        db, Event(case_id=case.id or "", type="expulsion_order"), "test", scope=Scope.everything()
    )
    set_values(db, "event", event.id or "", {"days_given": "30"}, "test", scope=Scope.everything())
    return person.id or "", case.id or "", event.id or ""


def _values(db: Database, kind: str, record_id: str, scope: Scope | None = None) -> dict[str, str]:
    found = record_values(db, kind, record_id, scope=scope or Scope.everything(), reader="test")
    return {item.field.key: item.value for item in found if item.value is not None}


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("number", "12,5", "12.5"),
        ("number", " 1 000 ", "1000"),
        ("date", "03.03.2025.", "2025-03-03"),
        ("date", "3 Mar 2025", "2025-03-03"),
        ("yes_no", "Да", "yes"),
        ("yes_no", "ne", "no"),
        ("choice", "БИА", "bia"),
        ("choice", "Interior ministry", "mup"),
        ("choice", "МУП", "mup"),
    ],
)
def test_a_value_is_read_as_people_type_it_in_any_language(
    kind: str, typed: str, stored: str
) -> None:
    field = FieldDefinition("x", "case", kind, {"en": "X"}, options=AGENCY)
    assert field.parse(typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "key"),
    [
        ("number", "twelve", "custom.not_a_number"),
        ("number", "1e400", "custom.not_a_number"),
        ("date", "31.02.2025", "date.impossible"),
        ("yes_no", "maybe", "custom.not_yes_no"),
        ("choice", "police", "custom.unknown_option"),
    ],
)
def test_a_value_that_does_not_fit_names_the_field_by_its_label_in_each_language(
    kind: str, typed: str, key: str
) -> None:
    field = FieldDefinition("x", "case", kind, {"en": "Agency", "sr_Latn": "Agencija"},
                            options=AGENCY)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        field.parse(typed)
    assert refused.value.key == key
    assert refused.value.field_labels is not None
    assert refused.value.field_labels["sr_Cyrl"] == "Агенција"


def test_a_definition_needs_a_key_an_english_label_and_options_for_a_choice(db: Database) -> None:
    for bad, field in (
        (FieldDefinition("Decision No", "case", "text", {"en": "D"}), "key"),
        (FieldDefinition("d", "case", "text", {"ru": "Д"}), "label_en"),
        (FieldDefinition("d", "case", "choice", {"en": "D"}), "options"),
        (FieldDefinition("d", "lawyer", "text", {"en": "D"}), "applies_to"),
    ):
        with pytest.raises(ValidationError) as refused:
            define_field(db, bad, "test", team="team-a", scope=Scope.everything())
        assert refused.value.field == field
    _define(db)
    with pytest.raises(ValidationError, match="already has a field"):
        define_field(db, FIELDS[0], "test", team="team-a", scope=Scope.everything())


def test_values_are_stored_typed_and_the_identifying_one_only_sealed(db: Database) -> None:
    _define(db)
    person_id, case_id, event_id = _story(db)
    assert _values(db, "person", person_id) == {"occupation": "journalist", "has_lawyer": "yes"}
    assert _values(db, "case", case_id) == {
        "decision_number": DECISION_NUMBER, "opinion_by": "bia", "revoked_on": "2025-03-03"
    }  # fmt: skip
    assert _values(db, "event", event_id) == {"days_given": "30"}
    unopened = record_values(db, "case", case_id, scope=Scope.everything())
    assert [item.value for item in unopened if item.field.identifying] == [None]
    with db.read() as conn:
        rows = conn.execute(select(custom_values)).all()
    sealed = [row for row in rows if row.sealed is not None]
    assert len(sealed) == 1 and sealed[0].value is None
    assert DECISION_NUMBER.encode() not in bytes(sealed[0].sealed)
    with db.read() as conn:
        reads = conn.execute(
            select(audit_log.c.target_id).where(audit_log.c.action == "custom.read_sealed")
        ).scalars()
        assert case_id in set(reads)


def _event_updates(db: Database, event_id: str) -> list[Any]:
    with db.read() as conn:
        query = select(audit_log.c.detail).where(
            audit_log.c.action == "event.update", audit_log.c.target_id == event_id
        )
        return [row.detail for row in conn.execute(query.order_by(audit_log.c.seq))]


def test_an_event_saved_with_its_fields_writes_one_audit_entry_naming_both(db: Database) -> None:
    _define(db)
    _, case_id, event_id = _story(db)
    everything, before = Scope.everything(), len(_event_updates(db, event_id))
    (event,) = list_events(db, case_id, scope=everything)
    update_event(db, event, "test", scope=everything, custom={"days_given": "15"})
    update_event(db, event, "test", scope=everything, custom={"days_given": "15"})
    edit_event(db, case_id, event_id, "test", changes={"outcome": "pending"}, scope=everything,
               custom={"days_given": "20"})  # fmt: skip
    edit_event(db, case_id, event_id, "test", changes={}, scope=everything,
               custom={"days_given": "20"})  # fmt: skip
    assert _event_updates(db, event_id)[before:] == [
        {"changed": ["custom.days_given"]},
        {},
        {"changed": ["outcome", "custom.days_given"]},
    ]
    assert _values(db, "event", event_id) == {"days_given": "20"}


def test_a_required_field_is_refused_blank_on_a_new_record_and_on_a_change(db: Database) -> None:
    define_field(
        db, FieldDefinition("city", "person", "text", {"en": "City"}, required=True), "test",
        team="team-a", scope=Scope.everything(),
    )  # fmt: skip
    before = db.changes()
    with pytest.raises(ValidationError) as refused:
        add_person(db, Person(pseudonym="K", team="team-a"), "t", scope=Scope.everything(),
                   custom={})  # fmt: skip
    assert (refused.value.field, refused.value.key) == ("City", "value.required")
    assert db.changes() == before  # the person was not stored either
    person = add_person(db, Person(pseudonym="K", team="team-a"), "t", scope=Scope.everything(),
                        custom={"city": "Novi Sad"})  # fmt: skip
    with pytest.raises(ValidationError):
        set_values(db, "person", person.id or "", {"city": " "}, "t", scope=Scope.everything())


def test_another_teams_fields_and_values_are_invisible(db: Database) -> None:
    _define(db)
    person_id, case_id, _ = _story(db)
    define_field(db, FIELDS[0], "test", team="team-b", scope=Scope.everything())
    with db.read() as conn:
        team_b = Scope.teams(team_id_by_name(conn, "team-b") or "")
    assert [f.team for f in list_fields(db, scope=team_b)] == ["team-b"]
    assert list_fields(db, scope=Scope.teams()) == []
    with pytest.raises(NotFoundError):
        record_values(db, "case", case_id, scope=team_b, reader="b")
    with pytest.raises(NotFoundError):
        set_values(db, "person", person_id, {"occupation": "x"}, "b", scope=team_b)
    # Team B's field of the same key is its own, and A's values stay A's.
    other = add_person(db, Person(pseudonym="Other", team="team-b"), "t",
                       scope=Scope.everything(), custom={})  # fmt: skip
    assert _values(db, "person", other.id or "") == {}
    assert _values(db, "person", person_id)["occupation"] == "journalist"


def test_removing_a_field_removes_its_values_and_is_audited(db: Database) -> None:
    _define(db)
    person_id, _, _ = _story(db)
    field = next(f for f in list_fields(db, scope=Scope.everything()) if f.key == "occupation")
    remove_field(db, field.id or "", "admin", scope=Scope.everything())
    assert "occupation" not in _values(db, "person", person_id)
    with db.read() as conn:
        actions = list(conn.execute(select(audit_log.c.action, audit_log.c.detail)))
    assert [d["key"] for a, d in actions if a == "custom_field.remove"] == ["occupation"]
    assert len([a for a, _ in actions if a == "custom_field.define"]) == len(FIELDS)


def test_a_purge_erases_every_value_of_the_person(
    db: Database, instance_settings: Settings
) -> None:
    _define(db)
    person_id, _, _ = _story(db)
    purge_people(db, instance_settings, [person_id], "admin")
    with db.read() as conn:
        assert conn.execute(select(custom_values)).all() == []


def test_the_full_export_carries_fields_and_values_and_imports_back_byte_identical(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _define(db)
    _story(db)
    first = dump_document(export_document(db, "test"))
    assert DECISION_NUMBER in first
    url = request.getfixturevalue("new_postgres_url")() if db.is_postgres else None
    other = initialise(resolve_settings(tmp_path / "other", url, tmp_path / "other-keys" / "k.key"))
    counts = import_document(other, export_document(db, "test"), "test")
    assert counts["values"] == 6
    assert dump_document(export_document(other, "test")) == first
    other.dispose()


def test_the_csv_heads_each_field_with_its_label_and_reads_it_back(
    db: Database, tmp_path: Path
) -> None:
    _define(db)
    _story(db)
    written = events_csv(export_document(db, "test"), "sr_Latn")
    row = next(csv.DictReader(io.StringIO(written)))
    assert (row["Zanimanje"], row["Broj rešenja"], row["Mišljenje dao"]) == (
        "journalist", DECISION_NUMBER, "BIA",
    )  # fmt: skip
    assert (row["Opozvan"], row["Ima advokata"], row["Dato dana"]) == ("03.03.2025.", "da", "30")
    _define(db, team="team-c")
    path = tmp_path / "sheet.csv"
    path.write_text(written, encoding="utf-8")
    import_csv_rows(db, parse_file(path), "t", team="team-c", scope=Scope.everything())
    with db.read() as conn:
        rows = conn.execute(select(custom_values)).all()
    clear = sorted(row.value for row in rows if row.value is not None)
    assert clear == sorted(["journalist", "yes", "bia", "2025-03-03", "30"] * 2)
    assert len([row for row in rows if row.sealed is not None]) == 2
    path.write_text(written.replace("03.03.2025.", "31.02.2025."), encoding="utf-8")
    with pytest.raises(ImportError_) as refused:
        import_csv_rows(db, parse_file(path), "t", team="team-c", scope=Scope.everything())
    assert str(refused.value).startswith(f"{path}, row 2, column Opozvan: impossible date")


def test_an_excel_sheet_previewed_by_column_feeds_the_teams_fields_by_their_headers(
    db: Database,
) -> None:
    _define(db)
    sheet = [
        ["Pseudonim", "Zemlja boravka", "Vrsta događaja", "Zanimanje", "Broj rešenja", "Dato dana"],
        ["Vrabac", "RS", "Zabrana ulaska", "novinar", DECISION_NUMBER, 15],
    ]  # fmt: skip
    data = xlsx_of(sheet)
    options: dict[str, Any] = {"scope": Scope.everything(), "team": "team-a"}
    preview = import_sheet(db, data, "spisak.xlsx", "t", **options)
    assert preview.problem is None and preview.columns == {
        0: "person",
        1: "country",
        2: "event_type",
        3: "custom.person.occupation",
        4: "custom.case.decision_number",
        5: "custom.event.days_given",
    }
    with db.read() as conn:
        assert conn.execute(select(custom_values)).all() == []
    done = import_sheet(
        db, data, "spisak.xlsx", "t", dry_run=False, chosen=preview.columns, **options
    )
    assert done.problem is None and done.summary is not None and done.summary.events == 1
    with db.read() as conn:
        person_id, case_id = conn.execute(select(cases.c.person_id, cases.c.id)).one()
        rows = conn.execute(select(custom_values)).all()
    assert _values(db, "person", person_id) == {"occupation": "novinar"}
    assert _values(db, "case", case_id) == {"decision_number": DECISION_NUMBER}
    assert sorted(row.value for row in rows if row.value is not None) == ["15", "novinar"]
    assert len([row for row in rows if row.sealed is not None]) == 1
    wrong = xlsx_of([sheet[0], ["Vrabac", "RS", "Zabrana ulaska", "", "", "mnogo"]])
    refused = import_sheet(db, wrong, "spisak.xlsx", "t", dry_run=False, **options)
    assert str(refused.problem).startswith("spisak.xlsx, row 2, column Dato dana:")


def test_the_demo_defines_the_fields_of_the_novi_sad_story_once(db: Database) -> None:
    keys = ["occupation", "city", "decision_number", "court_file_number", "lawyer"]
    assert define_demo_fields(db, "belgrade-legal") == keys
    assert define_demo_fields(db, "belgrade-legal") == []
    fields = list_fields(db, scope=Scope.everything())
    assert {f.key: f.identifying for f in fields} == {
        "occupation": False, "city": True, "decision_number": True,
        "court_file_number": True, "lawyer": False,
    }  # fmt: skip
    assert {f.label("sr_Cyrl") for f in fields} >= {"Занимање", "Број решења"}
