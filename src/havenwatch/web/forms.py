"""Reading submitted forms and query strings into typed values, with one-line errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile

from havenwatch.core.custom_fields import FieldDefinition
from havenwatch.core.dates import FuzzyDate, parse_day, parse_fuzzy
from havenwatch.core.errors import ValidationError
from havenwatch.core.fields import EnteredField, entered_fields

MAX_TEXT = 20_000


def text(form: FormData, name: str, *, limit: int = MAX_TEXT) -> str | None:
    """A stripped text field; blank means None. Over-long input is refused, never cut."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > limit:
        raise ValidationError.of(name, "value.too_long", limit=limit)
    return value or None


def required(form: FormData, name: str, *, limit: int = MAX_TEXT) -> str:
    value = text(form, name, limit=limit)
    if value is None:
        raise ValidationError.of(name, "value.required")
    return value


def lines(form: FormData, name: str) -> list[str]:
    return [line.strip() for line in (text(form, name) or "").splitlines() if line.strip()]


def words(form: FormData, name: str) -> list[str]:
    raw = (text(form, name, limit=2000) or "").replace(";", ",")
    return [part.strip() for part in raw.split(",") if part.strip()]


def day(form: FormData, name: str) -> date | None:
    value = text(form, name, limit=40)
    return parse_day(value, name) if value else None


def fuzzy(form: FormData, name: str) -> FuzzyDate | None:
    value = text(form, name, limit=40)
    return parse_fuzzy(value, name) if value else None


def integer(form: FormData, name: str, *, low: int = 0, high: int = 10**6) -> int | None:
    value = text(form, name, limit=12)
    if value is None:
        return None
    if not value.lstrip("-").isdigit() or not low <= int(value) <= high:
        raise ValidationError.of(name, "value.whole_number", low=low, high=high)
    return int(value)


def upper_code(form: FormData, name: str) -> str | None:
    value = text(form, name, limit=10)
    return value.upper() if value else None


def record_values(form: FormData, record: type) -> dict[str, Any]:
    """The fields of `record` that people enter (`core.fields`), read from a form in the
    record's order; a blank field takes the record's default, a blank required one is refused."""
    return {entry.name: entered(form, entry) for entry in entered_fields(record)}


def entered(form: FormData, entry: EnteredField) -> Any:
    """One entered field, read as its declaration says, with its one-line errors (naming the
    field as the record does)."""
    try:
        return _entered(form, entry)
    except ValidationError as error:
        error.label = entry.how.label
        raise


def _entered(form: FormData, entry: EnteredField) -> Any:
    name, how = entry.name, entry.how
    if how.kind == "number":
        value: Any = integer(form, name, high=how.high or 10**6)
    elif how.kind == "day":
        value = day(form, name)
    elif how.kind == "fuzzy_date":
        value = fuzzy(form, name)
    else:
        value = text(form, name, limit=how.limit or MAX_TEXT)
    if value is not None:
        return value
    if entry.required:
        raise ValidationError.of(name, "value.required")
    return entry.default


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None


def query_day(value: str | None, name: str) -> date | None:
    """A date from a GET filter; a malformed one is an error shown above the list."""
    value = (value or "").strip()
    return parse_day(value, name) if value else None


def custom(form: FormData, fields: Iterable[FieldDefinition]) -> dict[str, object]:
    """The values of a team's fields the form sent (inputs `custom_<key>`), as typed."""
    sent = {field.key: form.get(f"custom_{field.key}") for field in fields}
    return {key: value for key, value in sent.items() if isinstance(value, str)}
