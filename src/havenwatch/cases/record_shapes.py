"""The shape of each record in an export document, drawn from the record and its table.

A document may come from another instance, an older version or a hand edit. A field of the
wrong type, a text longer than its column or a number the database cannot hold is refused with
a message naming the field, before anything is built from it. The fields, types and defaults
come from the record dataclasses of `core.model` (see `core.shapes`), the text limits from the
columns of the same name in `store.schema`: a field added to a record is exported, imported and
checked with no edit here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    Strict,
    model_validator,
)
from pydantic import ValidationError as ShapeError
from sqlalchemy import Column, Table

from havenwatch.core.dates import FuzzyDate, parse_fuzzy
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.core.shapes import RecordShape, date_text, record_hints, replace_type
from havenwatch.store.schema import case_tags, cases, events, people, sources, users

LARGEST_NUMBER = 2**31 - 1
# Record fields whose column has another name, or whose items are held in another table.
COLUMNS: dict[tuple[type, str], Column[Any]] = {
    (Case, "tags"): case_tags.c.tag,
    (Event, "source_ids"): events.c.id,
}
TABLES: dict[type, Table | None] = {
    Person: people,
    Case: cases,
    Event: events,
    Source: sources,
    Identity: None,
}
__all__ = ["SECTIONS", "ShapeError", "located"]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a date as text (YYYY-MM-DD)")
    return dt.date.fromisoformat(value)


def _stamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected a moment as text (ISO 8601)")
    return dt.datetime.fromisoformat(value)


def _iso(value: dt.date) -> str:
    return value.isoformat()


Day = Annotated[dt.date, PlainValidator(_day), PlainSerializer(_iso, when_used="json")]
Stamp = Annotated[dt.datetime, PlainValidator(_stamp), PlainSerializer(_iso, when_used="json")]
Number = Annotated[int, Strict(), Field(ge=-LARGEST_NUMBER, le=LARGEST_NUMBER)]


def text(limit: int | None) -> Any:
    """Text that a column of `limit` characters (None: any length) holds."""
    return Annotated[str, Strict(), Field(max_length=limit), AfterValidator(_no_nul)]


def _length(column: Column[Any]) -> int | None:
    length = getattr(column.type, "length", None)
    return length if isinstance(length, int) else None


def column_limit(record: type, name: str) -> int | None:
    """The length of the column that holds the field `name` of `record`, if it has one."""
    kind = next(kind for kind in record.__mro__ if kind in TABLES)
    table = TABLES[kind]
    column = COLUMNS.get((kind, name))
    if column is None and table is not None and name in table.c:
        column = table.c[name]
    return _length(column) if column is not None else None


def _entry_type(hint: Any, limit: int | None) -> Any:
    """The interchange type of one record type: strict, sized, dates as ISO text."""
    if hint is Identity:
        return IdentityEntry
    for old, new in (
        (str, text(limit)),
        (int, Number),
        (dt.date, Day),
        (dt.datetime, Stamp),
        (list[str], list[text(limit)]),  # type: ignore[misc]
        (FuzzyDate, Annotated[text(None), BeforeValidator(date_text)]),
    ):
        if hint == old:
            return new
        hint = replace_type(hint, old, new)
    return hint


class Entry(RecordShape):
    """A record in an export document: every field, checked, with ISO dates."""

    @classmethod
    def shape_field(cls, record: type, name: str, hint: Any) -> tuple[Any, Any]:
        default = super().shape_field(record, name, hint)[1]
        if name == "id" and record is not Identity:
            return text(column_limit(record, name)), ...
        return _entry_type(hint, column_limit(record, name)), default

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """An empty or null field that has a default takes it (`"team": null` -> `default`)."""
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            key: value
            for key, value in data.items()
            if not _empty(value)
            or key not in fields
            or fields[key].is_required()
            or _default_is_none(cls, key)
        }

    @property
    def record_id(self) -> str:
        """The id of the record (entries of records without one have no use for it)."""
        return str(self.__dict__["id"])

    def record(self) -> Any:
        """The record dataclass this entry describes."""
        record = type(self).__record__
        assert record is not None
        hints = record_hints(record)
        values: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Entry):
                value = value.record()
            elif value is not None and FuzzyDate in _parts(hints[name]):
                value = parse_fuzzy(value)
            values[name] = value
        return record(**values)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value)


def _default_is_none(shape: type[BaseModel], name: str) -> bool:
    return shape.model_fields[name].get_default(call_default_factory=True) is None


def _parts(hint: Any) -> tuple[Any, ...]:
    return (hint, *getattr(hint, "__args__", ()))


class IdentityEntry(Entry, record=Identity):
    """A person's identity, in clear in the export."""


class PersonEntry(Entry, record=Person):
    """A person, identity included."""


class CaseEntry(Entry, record=Case, leave_out=("next_deadline",)):
    """A case; its next deadline is recomputed, not carried."""


class EventEntry(Entry, record=Event, leave_out=("document_ids",)):
    """An event; documents are not part of the export."""


class SourceEntry(Entry, record=Source, leave_out=("withheld",)):
    """A published report."""


UserText = Annotated[str, Strict(), AfterValidator(_no_nul)]


class UserEntry(BaseModel):
    """An account (imported inactive, without a usable password)."""

    id: Annotated[UserText, Field(max_length=_length(users.c.id))]
    username: Annotated[UserText, Field(max_length=_length(users.c.username))]
    role: Annotated[UserText, Field(max_length=_length(users.c.role))]
    team: UserText

    @property
    def record_id(self) -> str:
        return self.id


# Each section of the document, in the order it is imported, with its entry shape.
SECTIONS: dict[str, type[Entry] | type[UserEntry]] = {
    "users": UserEntry,
    "sources": SourceEntry,
    "people": PersonEntry,
    "cases": CaseEntry,
    "events": EventEntry,
}
SECTION_TABLES: dict[str, Table] = {
    "users": users,
    "sources": sources,
    "people": people,
    "cases": cases,
    "events": events,
}


def located(error: ShapeError) -> tuple[str, str]:
    """(field, reason) of the first problem pydantic found, e.g. ``identity.full_name``."""
    first = error.errors(include_url=False, include_input=False)[0]
    place = ".".join(str(part) for part in first["loc"]) or "record"
    return place, first["msg"]
