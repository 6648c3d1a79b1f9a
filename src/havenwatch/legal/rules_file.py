"""The shape of a jurisdiction's rules file (TOML), as pydantic models, and its located errors.

Each table of the file is a model that forbids unknown keys and takes values as TOML gives them
(no text read as a number). The first problem pydantic finds is told in one line naming the
file, the table and the key, e.g. ``RS.toml: decision 'entry_ban' remedy 'appeal': 'length'
must be an integer, got 'ten'`` (`located_error`). Checks between tables (a step's counting
method is defined, a decision code exists) are `legal.rules`'s.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from havenwatch.legal.model import (
    WEEKDAYS,
    Computus,
    Confidence,
    FirstDay,
    RemedyKind,
    RunsFrom,
    StepCondition,
    Suspensive,
    Unit,
)

# Keys a remedy gives every step that uses it, unless the step says otherwise.
STEP_DEFAULT_KEYS = (
    "body",
    "citation",
    "source",
    "confidence",
    "suspensive",
    "suspensive_note",
    "note",
    "uncertain",
    "counting",
    "runs_from",
)
# Tables of named tables: how an error names one (`decision 'entry_ban'`).
NAMED = {
    "counting": "counting method",
    "service": "service method",
    "remedies": "remedy",
    "missed": "missed-deadline remedy",
    "decisions": "decision",
    "event_types": "event type",
    "procedures": "procedure",
}
# Arrays of tables: how an error names one entry (`holiday 'New Year'`, else its number).
ARRAYS = {"fixed": "holiday", "movable": "feast", "days": "day", "substitutes": "substitute rule"}


def _weekday(name: str) -> str:
    if name not in WEEKDAYS:
        raise ValueError(f"unknown weekday '{name}'; valid: {', '.join(WEEKDAYS)}")
    return name


Weekday = Annotated[str, AfterValidator(_weekday)]


class Part(BaseModel):
    """A table of the rules file: TOML's own types, no key it does not know."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Head(Part):
    code: str
    name: str
    sources: list[str] = []


class FixedEntry(Part):
    name: str
    month: int
    days: list[int]
    kind: str
    citation: str
    confidence: Confidence

    @model_validator(mode="after")
    def _real_days(self) -> FixedEntry:
        if not 1 <= self.month <= 12 or not self.days:
            raise ValueError("'month' must be 1-12 and 'days' a non-empty list of day numbers")
        for day in self.days:
            try:
                dt.date(2024, self.month, day)
            except ValueError:
                raise ValueError(f"no such date: month {self.month} day {day}") from None
        return self


class MovableDayEntry(Part):
    offset: int
    name: str


class MovableEntry(Part):
    name: str
    computus: Computus
    days: list[MovableDayEntry] = Field(min_length=1)
    kind: str
    citation: str
    confidence: Confidence


class SubstituteEntry(Part):
    name: str | None = None
    applies_to: str
    falls_on: list[Weekday] = []
    citation: str
    confidence: Confidence
    note: str = ""


class CalendarEntry(Part):
    weekend: list[Weekday] = []
    fixed: list[FixedEntry] = []
    movable: list[MovableEntry] = []
    substitutes: list[SubstituteEntry] = []


class CountingEntry(Part):
    label: str
    description: str
    first_day: FirstDay = "next_day"
    roll_over: bool
    rest_days: dict[Weekday, Confidence] = {}
    citation: str
    confidence: Confidence
    month_end_confidence: Confidence | None = None
    no_roll_over_note: str = ""
    filing_note: str = ""


class ServiceEntry(Part):
    label: str
    days_after: int
    citation: str
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _not_negative(self) -> ServiceEntry:
        if self.days_after < 0:
            raise ValueError("'days_after' must not be negative")
        return self


class RemedyEntry(Part):
    """A kind of remedy; its step defaults are checked in each step that takes them."""

    model_config = ConfigDict(extra="allow")

    label: str
    kind: RemedyKind
    description: str = ""
    citation: str = ""

    @model_validator(mode="before")
    @classmethod
    def _only_step_defaults(cls, data: Any) -> Any:
        known = {"label", "kind", "description", *STEP_DEFAULT_KEYS}
        if isinstance(data, dict):
            unknown = sorted(set(data) - known)
            if unknown:
                raise ValueError(f"unknown key '{unknown[0]}'; allowed: {', '.join(sorted(known))}")
        return data


class MissedEntry(Part):
    remedy: str
    body: str
    length: int
    unit: Unit
    runs_from: str
    cap_length: int | None = None
    cap_unit: Unit | None = None
    citation: str
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _capped_in_units(self) -> MissedEntry:
        if self.cap_length is not None and self.cap_unit is None:
            raise ValueError("missing key 'cap_unit'")
        return self


class StepEntry(Part):
    remedy: str
    body: str
    length: int | None = None
    unit: Unit | None = None
    length_from_decision: bool = False
    min_days: int | None = None
    max_days: int | None = None
    required: bool = False
    runs_from: RunsFrom = "service"
    counting: str | None = None
    suspensive: Suspensive
    suspensive_note: str = ""
    citation: str
    source: str
    confidence: Confidence
    uncertain: list[str] = []
    note: str = ""
    when: StepCondition = "always"
    leads_to: str | None = None
    leads_to_procedure: str | None = None
    decides_within_days: int | None = None
    if_missed: str | None = None
    applies_from: dt.date | None = None

    @model_validator(mode="after")
    def _one_period(self) -> StepEntry:
        if self.length is not None and self.unit is None:
            raise ValueError("missing key 'unit'")
        if self.length is not None and self.length_from_decision:
            raise ValueError("give either 'length' or 'length_from_decision', not both")
        counted = self.length is not None or self.length_from_decision
        if counted and self.counting is None:
            raise ValueError("a step with a period needs a 'counting' method")
        return self


class ProcedureEntry(Part):
    label: str
    steps: list[StepEntry] = []


class DecisionEntry(Part):
    label: str
    issuer: str
    citation: str = ""
    note: str = ""
    warning: str = ""
    removal_risk: bool = False
    deemed_service_applies: bool = True
    steps: list[StepEntry] = []
    procedures: dict[str, ProcedureEntry] = {}
    default_procedure: str | None = None

    @model_validator(mode="after")
    def _listed_default(self) -> DecisionEntry:
        chosen = self.default_procedure
        if chosen is not None and chosen not in self.procedures:
            raise ValueError(f"default_procedure '{chosen}' is not a listed procedure")
        return self


class EventTypeEntry(Part):
    decision: str | None = None
    procedure: str | None = None
    note: str = ""
    joins_same_day_decision: bool = False


class RulesFile(Part):
    """A whole rules file."""

    jurisdiction: Head
    calendar: CalendarEntry
    counting: dict[str, CountingEntry] = {}
    service: dict[str, ServiceEntry] = {}
    remedies: dict[str, RemedyEntry] = {}
    missed: dict[str, MissedEntry] = {}
    decisions: dict[str, DecisionEntry] = {}
    event_types: dict[str, EventTypeEntry] = {}


KIND_NAMES = {
    "int_type": "an integer",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "date_type": "a date (YYYY-MM-DD)",
}

LIST_NAMES = {"int_type": "integers", "string_type": "strings", "dict_type": "tables"}


def located_error(file: str, data: Mapping[str, Any], error: ValidationError) -> str:
    """The first problem pydantic found, as ``<file>: <table>: <problem>``."""
    first = error.errors(include_url=False)[0]
    where, key = _place(data, first["loc"])
    return (
        f"{file}: {where}: {_problem(first, key)}" if where else f"{file}: {_problem(first, key)}"
    )


def _place(data: Any, loc: Sequence[int | str]) -> tuple[str, str | None]:
    """The tables named along `loc` (`decision 'x' remedy 'appeal'`) and the key at its end."""
    labels: list[str] = []
    parts = list(loc)
    key: str | None = None
    while parts:
        part = parts.pop(0)
        value = data.get(part) if isinstance(data, dict) else None
        if part in NAMED and isinstance(value, dict) and parts and parts[0] in value:
            name = parts.pop(0)
            labels.append(f"{NAMED[str(part)]} '{name}'")
            data = value[name]
        elif isinstance(value, list) and parts and isinstance(parts[0], int):
            index = int(parts[0])
            entry = value[index] if index < len(value) else None
            if not isinstance(entry, dict):
                key = f"{part}[]"
                break
            labels.append(_entry_label(str(part), index, entry))
            parts.pop(0)
            data = entry
        elif isinstance(value, dict) and parts and part in {"jurisdiction", "calendar"}:
            labels.append(str(part))
            data = value
        else:
            key = str(part)
            break
    return " ".join(labels), key


def _entry_label(array: str, index: int, entry: Mapping[str, Any]) -> str:
    if array == "steps":
        return f"remedy {entry.get('remedy')!r}"
    return f"{ARRAYS.get(array, array)} {entry.get('name', index + 1)!r}"


def _problem(error: ErrorDetails, key: str | None) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return f"missing key '{key}'"
    if kind == "extra_forbidden":
        table = _model_at(error["loc"])
        allowed = f"; allowed: {', '.join(sorted(table.model_fields))}" if table else ""
        return f"unknown key '{key}'{allowed}"
    if kind in {"value_error", "assertion_error"}:
        return str(context.get("error", error["msg"]))
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"'{key}' must be one of {expected}, got {error['input']!r}"
    if kind in KIND_NAMES and key and key.endswith("[]"):
        return f"'{key[:-2]}' must be a list of {LIST_NAMES.get(kind, 'values')}"
    if kind in KIND_NAMES:
        return f"'{key}' must be {KIND_NAMES[kind]}, got {error['input']!r}"
    return f"'{key}': {error['msg']}" if key else str(error["msg"])


def _model_at(loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The table shape that holds the key at the end of `loc`."""
    hint: Any = RulesFile
    for part in loc[:-1]:
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            field = hint.model_fields.get(str(part))
            if field is None:
                return None
            hint = field.annotation
        elif typing.get_origin(hint) in {dict, list}:
            hint = typing.get_args(hint)[-1]
        else:
            return None
        if isinstance(hint, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    return hint if isinstance(hint, type) and issubclass(hint, BaseModel) else None
