"""The generic row mapper: fields to columns of the same name, exceptions declared."""

from __future__ import annotations

import pytest

from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.model import Case, Event
from havenwatch.store.rows import CASE_ROWS, EVENT_ROWS, RowMap
from havenwatch.store.schema import cases, events


def test_a_field_without_a_column_of_its_name_is_refused_when_the_map_is_made() -> None:
    with pytest.raises(LookupError, match="cases has no column for assigned_to"):
        RowMap(Case, cases, explicit=("notes", "team"), elsewhere=("tags",))


def test_a_column_the_table_lacks_is_refused_when_a_row_is_made() -> None:
    with pytest.raises(LookupError, match="events has no column notez"):
        EVENT_ROWS.row(Event(case_id="c", type="appeal"), notez=b"")


def test_renamed_converted_and_read_only_fields_take_their_columns() -> None:
    case = Case(person_id="p", country="RS", assigned_to="u", id="k")
    row = CASE_ROWS.row(case, team_id="t", notes=None, updated_at=None)
    assert row["assigned_user_id"] == "u"
    assert "assigned_to" not in row
    assert "next_deadline" not in row
    event_row = EVENT_ROWS.row(Event(case_id="c", type="appeal", date=parse_fuzzy("2024-09")))
    assert event_row["date_text"] == "2024-09"
    assert event_row["date_precision"] == "month"
    assert set(event_row) <= set(events.c.keys())
