"""Pydantic shapes drawn from the record dataclasses: a record's fields are declared once.

A shape names its record and what it leaves out, for instance
``class EventOut(ApiShape, record=Event, leave_out=("notes",))``; every other field of the
dataclass, with its type and its default, becomes a field of the shape, in the record's order
(``id`` first). A field added to a record so reaches the JSON API, the interchange document
and their checks with no other edit. A family of shapes (the API's, the interchange's) says
how it writes a field by overriding `shape_field`; a field the class body declares itself
keeps that declaration (a description, a default), in the record's place.

Shapes read records with ``from_attributes``: ``EventOut.of(event)`` is
``EventOut.model_validate(event)``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Collection
from typing import Any, ClassVar, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic._internal._model_construction import ModelMetaclass

from havenwatch.core.dates import FuzzyDate


def date_text(value: Any) -> Any:
    """A fuzzy date as the text it was given in (`2024-09`, `2024-09-16/..`)."""
    return value.text if isinstance(value, FuzzyDate) else value


# A record's fuzzy date, written as its text.
FuzzyDateText = typing.Annotated[str, BeforeValidator(date_text)]


def record_hints(record: type) -> dict[str, Any]:
    """The record dataclass's fields and their (resolved) types, in declaration order."""
    hints = typing.get_type_hints(record)
    return {item.name: hints[item.name] for item in dataclasses.fields(record)}


def record_default(record: type, name: str) -> Any:
    """The dataclass's default for `name` as a pydantic default; `...` where it has none."""
    item = next(item for item in dataclasses.fields(record) if item.name == name)
    if item.default_factory is not dataclasses.MISSING:
        return Field(default_factory=item.default_factory)
    return ... if item.default is dataclasses.MISSING else item.default


def replace_type(hint: Any, old: type, new: Any) -> Any:
    """`hint` with `old` replaced by `new`, also inside ``X | None``."""
    if hint is old:
        return new
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        parts = [new if part is old else part for part in typing.get_args(hint)]
        return typing.Union[tuple(parts)]  # noqa: UP007 (built from a list)
    return hint


class _ShapeMeta(ModelMetaclass):
    """Fills a shape's annotations from its record before pydantic reads them."""

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        record: type | None = None,
        leave_out: Collection[str] = (),
        **kwargs: Any,
    ) -> type:
        if record is not None:
            namespace = _drawn(bases, namespace, record, leave_out)
        return super().__new__(mcs, name, bases, namespace, **kwargs)


def _drawn(
    bases: tuple[type, ...], namespace: dict[str, Any], record: type, leave_out: Collection[str]
) -> dict[str, Any]:
    declared: dict[str, Any] = dict(namespace.get("__annotations__", {}))
    family = next(base for base in bases if issubclass(base, RecordShape))
    hints = record_hints(record)
    unknown = sorted(set(leave_out) - set(hints))
    if unknown:
        raise TypeError(f"{record.__name__} has no field {unknown[0]!r} to leave out")
    leave_out = (*leave_out, *(name for name in family.left_out(record) if name not in leave_out))
    order = sorted(hints, key=lambda field: field != "id")
    annotations: dict[str, Any] = {}
    drawn = {**namespace}
    for field in order:
        if field in leave_out:
            continue
        if field in declared:
            annotations[field] = declared.pop(field)
            continue
        hint, default = family.shape_field(record, field, hints[field])
        annotations[field] = hint
        if default is not ...:
            drawn[field] = default
    drawn["__annotations__"] = {**annotations, **declared}
    drawn["__record__"] = record
    drawn["__leave_out__"] = tuple(leave_out)
    return drawn


class RecordShape(BaseModel, metaclass=_ShapeMeta):
    """A shape read from a record's attributes; a subclass with ``record=`` draws its fields."""

    model_config = ConfigDict(from_attributes=True)
    __record__: ClassVar[type | None] = None
    __leave_out__: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(
        cls, record: type | None = None, leave_out: Collection[str] = (), **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)

    @classmethod
    def left_out(cls, record: type) -> Collection[str]:
        """The fields of a record this family of shapes never holds (besides `leave_out`)."""
        return ()

    @classmethod
    def shape_field(cls, record: type, name: str, hint: Any) -> tuple[Any, Any]:
        """How this family of shapes writes one field of a record: (type, default)."""
        return replace_type(hint, FuzzyDate, FuzzyDateText), record_default(record, name)

    @classmethod
    def of(cls, record: object) -> Self:
        """The shape of a record (or of any object with the same attributes)."""
        return cls.model_validate(record)
