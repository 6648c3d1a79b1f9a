"""A field added to the event record reaches the API, the export and the table by itself.

The event's fields are declared in the record (`core.model.Event`); the API's shape
(`web.api.models.EventOut`), the export's entry (`cases.record_shapes.EventEntry`) and the row
mapping (`store.rows.EVENT_ROWS`) are drawn from it. Here a record with one more field (as a
new version of `Event` would have) and a table with one more column (as its migration would
add) go through all three with nothing else written for them. `docs/architecture.md` ("Adding
a field") lists the files a new field touches; the last test keeps that list honest.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select

from havenwatch.cases.record_shapes import Entry, EventEntry, ShapeError, located
from havenwatch.core.clock import utcnow
from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.model import Event
from havenwatch.store.database import Database
from havenwatch.store.rows import EVENT_ROWS
from havenwatch.store.schema import events
from havenwatch.web.api.models import ApiShape, EventOut

SOURCE = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
# A new field, as a later version of the record would declare it.
NewEvent = dataclasses.make_dataclass(
    "Event", [("witnesses", int | None, dataclasses.field(default=None))], bases=(Event,)
)


def _new_table() -> Table:
    """The events table as the new field's migration leaves it (one more column)."""
    columns = [Column(c.name, c.type, primary_key=c.primary_key) for c in events.c]
    return Table("events_with_witnesses", MetaData(), *columns, Column("witnesses", Integer))


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


# Where an event's fields are written out one by one, each for a reason of its own (see
# docs/architecture.md, "Adding a field"): everything else is drawn from the record.
NAMED_FIELD_BY_FIELD = {
    "core/model.py",  # the record, and its checks
    "store/schema.py",  # the table (with a migration beside it)
    "store/migrations/versions/0001_initial_schema.py",
    "web/templates/_event_fields.html",  # the form
    "web/templates/event_edit.html",  # the form's values when editing
    "web/templates/case.html",  # the timeline shows the fields
    "web/api/models.py",  # EventIn / EventPatch: what a client may send, and its limits
    "web/api/records.py",  # EventIn -> Event
    "web/routes/events.py",  # the form's fields -> Event, with its error messages
    "commands/events.py",  # the CLI's options
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
