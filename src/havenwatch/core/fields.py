"""How a person enters a record's fields, declared once, on the record itself.

A field that people give (in the web form, through the JSON API, on the command line) carries
an `Entered` in its dataclass metadata: ``served_on: dt.date | None = field(default=None,
metadata=entered("day", "Served on", option="--served"))``. It says what kind of value the
field holds, its name in messages (a message id of the web catalogues), its limits and
whether it is sealed. What a new record needs and what a change may clear come from the
dataclass itself: a field without a default must be given, a field whose type admits no
`None` can never be cleared. The doors read these declarations (`entered_fields`) and
write nothing field by field: the API's input shapes (`web.api.models.ApiInput`), the form's
parsing (`web.forms.record_values`) and the command's options (`commands.common`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

# code: one code of a vocabulary list; text: free text; number: a whole number from 0;
# day: one calendar day; fuzzy_date: a day, month, year or range (`core.dates.parse_fuzzy`).
Kind = Literal["code", "text", "number", "day", "fuzzy_date"]
METADATA_KEY = "entered"


@dataclasses.dataclass(frozen=True)
class Entered:
    """How people enter one field of a record."""

    kind: Kind
    # The field's English name in messages, translated by the web catalogues.
    label: str
    # The vocabulary list (`core.vocabulary.Vocabulary`) a code comes from.
    codes: str | None = None
    # The most characters a text or code may have (its column's length).
    limit: int | None = None
    # The largest number (the smallest is 0).
    high: int | None = None
    # Stored encrypted (`crypto`): accepted at the doors, never shown by the API.
    sealed: bool = False
    # The command line's option, where it is not ``--<field-name>``, and its help.
    option: str | None = None
    option_help: str | None = None


def entered(
    kind: Kind,
    label: str,
    *,
    codes: str | None = None,
    limit: int | None = None,
    high: int | None = None,
    sealed: bool = False,
    option: str | None = None,
    option_help: str | None = None,
) -> Mapping[str, Entered]:
    """The dataclass metadata declaring a field that people enter."""
    if (kind == "code") != (codes is not None):
        raise TypeError("a code field names its vocabulary list, and only a code field does")
    how = Entered(kind, label, codes, limit, high, sealed, option, option_help)
    return types.MappingProxyType({METADATA_KEY: how})


@dataclasses.dataclass(frozen=True)
class EnteredField:
    """One entered field of a record: its declaration and what the dataclass says of it."""

    name: str
    how: Entered
    # The record's default (`dataclasses.MISSING`: a new record needs the field).
    default: Any
    # Whether the field's type admits None (a change may clear it).
    clearable: bool

    @property
    def required(self) -> bool:
        return self.default is dataclasses.MISSING

    @property
    def option(self) -> str:
        """The command line's option for the field."""
        return self.how.option or "--" + self.name.replace("_", "-")


@cache
def entered_fields(record: type) -> tuple[EnteredField, ...]:
    """The fields of `record` that people enter, in the record's order."""
    hints = typing.get_type_hints(record)
    found = []
    for item in dataclasses.fields(record):
        how = item.metadata.get(METADATA_KEY)
        if isinstance(how, Entered):
            default = item.default
            if item.default_factory is not dataclasses.MISSING:
                default = item.default_factory()
            found.append(EnteredField(item.name, how, default, _admits_none(hints[item.name])))
    return tuple(found)


def field_labels(*records: type) -> dict[str, str]:
    """field -> its English name in messages, as the records declare it."""
    return {field.name: field.how.label for record in records for field in entered_fields(record)}


def _admits_none(hint: Any) -> bool:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return type(None) in typing.get_args(hint)
    return hint is None or hint is type(None)
