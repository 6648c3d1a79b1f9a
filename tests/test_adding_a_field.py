"""A field added to the event record reaches every door, the export and the table by itself.

The event's fields are declared in the record (`core.model.Event`, with `core.fields` saying
how people enter them); the API's shapes in and out (`web.api.models.EventIn`, `EventPatch`,
`EventOut`), the form's parsing (`web.forms.record_values`), the command's options
(`commands.common.record_options`), the export's entry (`cases.record_shapes.EventEntry`) and
the row mapping (`store.rows.EVENT_ROWS`) are drawn from it. Here a record with one more entered
field (as a new version of `Event` would have) and a table with one more column (as its
migration would add) go through all of them with nothing else written for them.
`docs/architecture.md` ("Adding a field") lists the places a new field touches; the last tests
keep that list honest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from pydantic import ValidationError as RefusedByTheApi
from sqlalchemy import Column, Integer, MetaData, Table, select
from starlette.datastructures import FormData

from havenwatch.cases.record_shapes import Entry, EventEntry, ShapeError, located
from havenwatch.commands.common import jsonable, record_options, record_values
from havenwatch.commands.events import event_add, event_edit
from havenwatch.core.clock import utcnow
from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.errors import ValidationError
from havenwatch.core.fields import entered, entered_fields
from havenwatch.core.model import Event
from havenwatch.store.database import Database
from havenwatch.store.rows import EVENT_ROWS
from havenwatch.store.schema import entered_columns, events
from havenwatch.web import forms
from havenwatch.web.api.models import (
    ApiInput,
    ApiPatch,
    ApiShape,
    CustomValues,
    EventIn,
    EventOut,
    EventPatch,
)
from havenwatch.web.i18n import activate, explain

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "havenwatch"
# A new entered field, as a later version of the record would declare it.
WITNESSES = entered("number", "Witnesses", high=100, option_help="How many saw it happen.")
NewEvent = dataclasses.make_dataclass(
    "Event",
    [("witnesses", int | None, dataclasses.field(default=None, metadata=WITNESSES))],
    bases=(Event,),
)


def _new_table() -> Table:
    """The events table as its declaration draws it for the new record: the columns of the
    entered fields come from the record (`entered_columns`), one more with the new field."""
    drawn = {column.name for column in entered_columns(Event)}
    kept = [
        Column(c.name, c.type, primary_key=c.primary_key) for c in events.c if c.name not in drawn
    ]
    return Table("events_with_witnesses", MetaData(), *kept, *entered_columns(NewEvent))


def test_the_table_draws_a_new_entered_field_s_column_from_its_declaration() -> None:
    table = _new_table()
    assert isinstance(table.c.witnesses.type, Integer) and table.c.witnesses.nullable
    assert {column.name for column in table.c} == {column.name for column in events.c} | {
        "witnesses"
    }


def _new_event() -> Event:
    event: Event = NewEvent(
        case_id="c" * 32,
        type="entry_ban",
        date=parse_fuzzy("2024-09"),
        authority="police",
        deadline_days=8,
        notes="sealed in real rows",
        source_ids=["s" * 32],
        id="e" * 32,
        created_at=utcnow().replace(microsecond=0),
        witnesses=3,
    )
    return event


def test_the_api_shows_a_new_event_field_without_an_edit_of_its_shape() -> None:
    class NewEventOut(ApiShape, record=NewEvent, leave_out=EventOut.__leave_out__):
        """EventOut, as the same declaration draws it from the new record."""

    shown = NewEventOut.of(_new_event()).model_dump(mode="json")
    assert shown["witnesses"] == 3
    assert list(shown)[:-1] == list(EventOut.model_fields)
    assert "notes" not in shown


def test_the_export_carries_and_checks_a_new_event_field() -> None:
    class NewEventEntry(Entry, record=NewEvent, leave_out=EventEntry.__leave_out__):
        """EventEntry, as the same declaration draws it from the new record."""

    event = _new_event()
    written = json.dumps(NewEventEntry.of(event).model_dump(mode="json"))
    assert json.loads(written)["witnesses"] == 3
    read_back = NewEventEntry.model_validate(json.loads(written)).record()
    assert read_back == dataclasses.replace(event, document_ids=[])
    with pytest.raises(ShapeError) as refused:
        NewEventEntry.model_validate({**json.loads(written), "witnesses": "three"})
    assert located(refused.value)[0] == "witnesses"


def test_the_table_row_holds_a_new_event_field(db: Database) -> None:
    rows = dataclasses.replace(EVENT_ROWS, record=NewEvent, table=_new_table())
    rows.table.create(db.engine)
    event = _new_event()
    with db.engine.begin() as conn:
        conn.execute(rows.table.insert(), rows.row(event, notes=None, updated_at=utcnow()))
        stored = conn.execute(select(rows.table)).one()
    assert stored.witnesses == 3
    read_back = rows.record_of(stored, notes=event.notes, source_ids=event.source_ids)
    assert read_back == event


def _drawn(shape: type[ApiInput]) -> list[str]:
    """The shape's fields drawn from the record (not `custom`, the team's own fields)."""
    return [name for name in shape.model_fields if name != "custom"]


class NewEventIn(ApiInput, record=NewEvent):
    """EventIn, as the same declaration draws it from the new record."""

    custom: CustomValues | None = None


class NewEventPatch(ApiPatch, record=NewEvent):
    """EventPatch, as the same declaration draws it from the new record."""

    custom: CustomValues | None = None


def test_a_client_sends_a_new_event_field_when_adding_an_event() -> None:
    assert _drawn(NewEventIn) == [*_drawn(EventIn), "witnesses"]
    body = NewEventIn.model_validate({"type": "entry_ban", "date": "2024-09", "witnesses": 3})
    event = NewEvent(case_id="c" * 32, **body.values())
    assert (event.witnesses, event.date, event.origin_state_link) == (
        3,
        parse_fuzzy("2024-09"),
        "none",
    )
    assert NewEvent(case_id="c", **NewEventIn.model_validate({"type": "detention"}).values()) == (
        NewEvent(case_id="c", type="detention")
    )
    for wrong in (101, -1, "three"):
        with pytest.raises(RefusedByTheApi) as refused:
            NewEventIn.model_validate({"type": "entry_ban", "witnesses": wrong})
        assert [error["loc"] for error in refused.value.errors()] == [("witnesses",)]


def test_the_openapi_schema_describes_a_new_event_field_with_its_limits() -> None:
    sent = NewEventIn.model_json_schema()["properties"]
    assert {key: sent[key] for key in EventIn.model_json_schema()["properties"]} == (
        EventIn.model_json_schema()["properties"]
    )
    number = next(option for option in sent["witnesses"]["anyOf"] if option["type"] != "null")
    assert number == {"type": "integer", "minimum": 0, "maximum": 100}
    changed = NewEventPatch.model_json_schema()
    assert changed["additionalProperties"] is False and "witnesses" in changed["properties"]


def test_a_client_changes_and_clears_a_new_event_field() -> None:
    assert _drawn(NewEventPatch) == [*_drawn(EventPatch), "witnesses"]
    set_it = NewEventPatch.model_validate({"witnesses": 5, "date": "16.09.2024"})
    assert set_it.changes() == {"witnesses": 5, "date": parse_fuzzy("2024-09-16")}
    assert NewEventPatch.model_validate({"witnesses": None}).changes() == {"witnesses": None}
    for wrong in ({"witnesses": 101}, {"witnesses": "many"}, {"type": None}, {"case_id": "x"}):
        with pytest.raises(RefusedByTheApi) as refused:
            NewEventPatch.model_validate(wrong)
        assert [error["loc"] for error in refused.value.errors()] == [tuple(wrong)]


def _form(**fields: str) -> FormData:
    return FormData({"type": "entry_ban", **fields})


def test_the_event_form_reads_a_new_field_with_its_one_line_errors() -> None:
    read = forms.record_values(_form(witnesses=" 3 ", served_on="16.09.2024"), NewEvent)
    event = NewEvent(case_id="c", **read)
    assert (event.witnesses, event.served_on, event.notes) == (3, dt.date(2024, 9, 16), None)
    assert forms.record_values(_form(witnesses=""), NewEvent)["witnesses"] is None
    with pytest.raises(ValidationError) as refused:
        forms.record_values(_form(witnesses="a dozen"), NewEvent)
    assert explain(refused.value) == "Witnesses: give a whole number from 0 to 100"
    activate("ru")
    try:
        # Named as the record declares it, until the catalogues translate "Witnesses" too.
        assert explain(refused.value).startswith("Witnesses: ")
        assert explain(refused.value) != "Witnesses: give a whole number from 0 to 100"
    finally:
        activate("en")


def test_the_event_form_reads_each_field_as_before() -> None:
    read = forms.record_values(
        _form(date="2024-09", deadline_days="8", outcome="pending", notes="sealed"), Event
    )
    assert Event(case_id="c", **read) == Event(
        case_id="c",
        type="entry_ban",
        date=parse_fuzzy("2024-09"),
        deadline_days=8,
        outcome="pending",
        notes="sealed",
    )
    for fields, message in (
        ({"type": " "}, "type: this field is required"),
        ({"deadline_days": "3651"}, "deadline_days: give a whole number from 0 to 3650"),
        ({"decision_code": "x" * 61}, "decision_code: longer than 60 characters"),
    ):
        with pytest.raises(ValidationError) as refused:
            forms.record_values(_form(**fields), Event)
        assert str(refused.value) == message


@click.command()
@record_options(NewEvent, adding=True)
def _new_event_add(**given: Any) -> None:
    """`event add`'s options, as the same declaration draws them from the new record."""
    click.echo(json.dumps(jsonable(record_values(NewEvent, given))))


def test_the_command_line_takes_a_new_event_field() -> None:
    runner = CliRunner()
    added = runner.invoke(_new_event_add, ["--type", "entry_ban", "--witnesses", "3"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["witnesses"] == 3
    assert "How many saw it happen." in runner.invoke(_new_event_add, ["--help"]).output
    refused = runner.invoke(_new_event_add, ["--type", "entry_ban", "--witnesses", "101"])
    assert refused.exit_code == 2 and "--witnesses" in refused.output


def test_event_add_and_edit_take_exactly_the_declared_fields() -> None:
    declared = [entry.name for entry in entered_fields(Event)]
    assert [param.name for param in event_add.params] == ["case_id", *declared, "source_ids"]
    assert [param.name for param in event_edit.params] == ["event_id", "case_id", *declared]


# Where an event's fields are written out one by one, each for a reason of its own (see
# docs/architecture.md, "Adding a field"): everything else is drawn from the record.
NAMED_FIELD_BY_FIELD = {
    "core/model.py",  # the record, and its checks
    "store/migrations/versions/0001_initial_schema.py",
    "web/templates/_event_fields.html",  # the form
    "web/templates/case.html",  # the timeline shows the fields
}
PLAIN_FIELDS = ("authority", "grounds", "deadline_days", "outcome", "decision_code", "served_on")


def test_no_other_module_copies_the_event_fields_one_by_one() -> None:
    copying = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*")
        if path.suffix in {".py", ".html"}
        and all(
            re.search(rf"\b{name}\b", path.read_text(encoding="utf-8")) for name in PLAIN_FIELDS
        )
    }
    assert copying == NAMED_FIELD_BY_FIELD


def _adding_a_field() -> list[str]:
    """The numbered places of docs/architecture.md's "Adding a field", one text each."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("### Adding a field", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\d+\. (.+?)(?=^\d+\. |^$)", section, flags=re.M | re.S)


def test_the_documented_places_of_a_new_field_are_at_most_four_and_name_every_copier() -> None:
    places = _adding_a_field()
    assert [place.split("**")[1] for place in places] == [
        "The model",
        "The migration",
        "The form template",
        "The translation",
    ]
    named = set(re.findall(r"`([\w/<>.-]+/(?:[\w<>.-]+\.(?:py|html|po))?)`", " ".join(places)))
    assert named == {
        "core/model.py",
        "store/migrations/versions/",
        "web/templates/_event_fields.html",
        "web/templates/case.html",
        "web/locale/<locale>/LC_MESSAGES/messages.po",
    }
    for path in NAMED_FIELD_BY_FIELD:
        assert any(path == place or path.startswith(place) for place in named if place), path
