"""One mapper between a record dataclass and its table row: fields and columns by name.

A `RowMap` pairs a record (`core.model.Event`) with its table (`schema.events`). Every field
whose column has the same name is copied both ways; the exceptions are declared on the map and
are few: a field stored under another column name (`renamed`), a field spread over several
columns (`converted`, for instance a fuzzy date's text, bounds and precision), a field the
caller seals or looks up itself (`explicit`: sealed notes, a team's id), and a field other
tables hold (`elsewhere`: tags, links). A field added to a record with a column of the same
name therefore needs no edit here or in the services that write and read it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import Table

from havenwatch.core.dates import FuzzyDate
from havenwatch.core.model import Case, Document, Event, Person, Source
from havenwatch.store.schema import cases, documents, events, people, sources

R = TypeVar("R")


@dataclasses.dataclass(frozen=True)
class Conversion:
    """A field held in several columns: how to write them and how to read the field back."""

    columns: tuple[str, ...]
    write: Callable[[Any], dict[str, Any]]
    read: Callable[[Any], Any]


def fuzzy_date(prefix: str) -> Conversion:
    """A fuzzy date kept as ``<prefix>_text``, ``_earliest``, ``_latest``, ``_precision``."""
    names = tuple(f"{prefix}_{part}" for part in ("text", "earliest", "latest", "precision"))

    def write(when: FuzzyDate | None) -> dict[str, Any]:
        parts = (when.text, when.earliest, when.latest, when.precision) if when else (None,) * 4
        return dict(zip(names, parts, strict=True))

    def read(row: Any) -> FuzzyDate | None:
        text, earliest, latest, precision = (getattr(row, name) for name in names)
        return FuzzyDate(text, earliest, latest, precision) if text else None

    return Conversion(names, write, read)


@dataclasses.dataclass(frozen=True)
class RowMap(Generic[R]):
    """The row of `table` that holds a `record`, and the record a row holds."""

    record: type[R]
    table: Table
    renamed: Mapping[str, str] = dataclasses.field(default_factory=dict)
    converted: Mapping[str, Conversion] = dataclasses.field(default_factory=dict)
    explicit: Collection[str] = ()
    elsewhere: Collection[str] = ()
    # Columns a service keeps up to date itself: read into the record, never written from it.
    read_only: Collection[str] = ()

    def __post_init__(self) -> None:
        for name in self.copied():
            if self.column(name) not in self.table.c:
                raise LookupError(f"{self.table.name} has no column for {name}")

    def fields(self) -> list[str]:
        return [item.name for item in dataclasses.fields(self.record)]  # type: ignore[arg-type]

    def copied(self) -> list[str]:
        """The fields copied column for column (renamed or not)."""
        special = {*self.converted, *self.explicit, *self.elsewhere}
        return [name for name in self.fields() if name not in special]

    def column(self, name: str) -> str:
        return self.renamed.get(name, name)

    def row(self, record: R, **columns: Any) -> dict[str, Any]:
        """The row for `record`; `columns` gives the explicit fields' columns and any others."""
        row = {
            self.column(name): getattr(record, name)
            for name in self.copied()
            if name not in self.read_only
        }
        for name, conversion in self.converted.items():
            row.update(conversion.write(getattr(record, name)))
        unknown = set(columns) - set(self.table.c.keys())
        if unknown:
            raise LookupError(f"{self.table.name} has no column {sorted(unknown)[0]}")
        return {**row, **columns}

    def record_of(self, row: Any, **fields: Any) -> R:
        """The record a row holds; `fields` gives the explicit and elsewhere-held fields (and
        overrides a copied one, such as a text the caller opened)."""
        values = {name: getattr(row, self.column(name)) for name in self.copied()}
        for name, conversion in self.converted.items():
            values[name] = conversion.read(row)
        return self.record(**{**values, **fields})


# The records and their tables. A field listed here is the exception; every other field is a
# column of the same name.
PERSON_ROWS = RowMap(Person, people, explicit=("identity", "team"))
CASE_ROWS = RowMap(
    Case,
    cases,
    renamed={"assigned_to": "assigned_user_id"},
    explicit=("notes", "team"),
    elsewhere=("tags",),
    read_only=("next_deadline",),
)
EVENT_ROWS = RowMap(
    Event,
    events,
    converted={"date": fuzzy_date("date")},
    explicit=("notes",),
    elsewhere=("source_ids", "document_ids"),
)
# A source's url, title and text may be sealed (`cases.sources`): the reader overrides them.
SOURCE_ROWS = RowMap(Source, sources, elsewhere=("withheld",))
# A document's filename is sealed; its size is stored padded and its hash as a keyed
# fingerprint, so the vault gives the true ones when it opens the file.
DOCUMENT_ROWS = RowMap(
    Document,
    documents,
    explicit=("filename", "size", "sha256", "original_sha256", "original_kept"),
    elsewhere=("event_ids", "report"),
)
