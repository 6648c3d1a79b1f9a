"""Shapes drawn from record dataclasses: the record's fields, order and defaults, id first."""

from __future__ import annotations

import dataclasses

import pytest

from havenwatch.core.dates import parse_fuzzy
from havenwatch.core.model import Event, Source
from havenwatch.core.shapes import RecordShape


def test_a_shape_takes_the_records_fields_in_order_with_the_id_first() -> None:
    class Shown(RecordShape, record=Event, leave_out=("notes",)):
        """Every field of an event but its notes."""

    names = [item.name for item in dataclasses.fields(Event) if item.name != "notes"]
    assert list(Shown.model_fields) == ["id", *[name for name in names if name != "id"]]
    shown = Shown.of(Event(case_id="c", type="appeal", date=parse_fuzzy("2024-09")))
    assert shown.model_dump(mode="json")["date"] == "2024-09"
    assert shown.model_dump()["source_ids"] == []


def test_a_field_the_shape_declares_keeps_its_declaration_in_the_records_place() -> None:
    class Shown(RecordShape, record=Source):
        withheld: bool = True

    assert list(Shown.model_fields)[-1] == "withheld"
    assert Shown.model_validate({}).withheld is True


def test_leaving_out_a_field_the_record_lacks_is_refused() -> None:
    with pytest.raises(TypeError, match="Event has no field 'nots' to leave out"):

        class Misspelt(RecordShape, record=Event, leave_out=("nots",)):
            pass
