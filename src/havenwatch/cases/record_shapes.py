"""The shape of each record in an export document, checked before anything is built from it.

A document may come from another instance, an older version or a hand edit. A field of the
wrong type, a text longer than its column or a number the database cannot hold must be refused
with a message naming the field, not fail deep inside a service or the database driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table

from havenwatch.core.errors import ValidationError
from havenwatch.store.schema import case_tags, cases, events, people, sources, users

Kinds = tuple[type, ...]
TEXT: Kinds = (str,)
MAYBE_TEXT: Kinds = (str, type(None))
MAYBE_NUMBER: Kinds = (int, type(None))
MAYBE_OBJECT: Kinds = (dict, type(None))
MAYBE_TEXTS: Kinds = (list, type(None))
LARGEST_NUMBER = 2**31 - 1
KIND_NAMES = {str: "text", int: "a whole number", dict: "an object", list: "a list of texts"}

SHAPES: dict[str, dict[str, Kinds]] = {
    "users": {"id": TEXT, "username": TEXT, "role": TEXT, "team": TEXT},
    "sources": {
        "id": TEXT,
        "url": MAYBE_TEXT,
        "title": MAYBE_TEXT,
        "publisher": MAYBE_TEXT,
        "published_on": MAYBE_TEXT,
        "language": MAYBE_TEXT,
        "text": MAYBE_TEXT,
        "content_hash": MAYBE_TEXT,
        "created_at": MAYBE_TEXT,
    },
    "people": {
        "id": TEXT,
        "pseudonym": TEXT,
        "team": MAYBE_TEXT,
        "identity": MAYBE_OBJECT,
        "nationality": MAYBE_TEXT,
        "gender": MAYBE_TEXT,
        "birth_year": MAYBE_NUMBER,
        "family_affected_count": MAYBE_NUMBER,
        "family_relation": MAYBE_TEXT,
        "consent": MAYBE_TEXT,
        "risk_level": MAYBE_TEXT,
        "created_at": MAYBE_TEXT,
    },
    "cases": {
        "id": TEXT,
        "person_id": TEXT,
        "country": TEXT,
        "title": MAYBE_TEXT,
        "status": MAYBE_TEXT,
        "team": MAYBE_TEXT,
        "assigned_to": MAYBE_TEXT,
        "tags": MAYBE_TEXTS,
        "opened_on": MAYBE_TEXT,
        "closed_on": MAYBE_TEXT,
        "notes": MAYBE_TEXT,
        "created_at": MAYBE_TEXT,
    },
    "events": {
        "id": TEXT,
        "case_id": TEXT,
        "type": TEXT,
        "date": MAYBE_TEXT,
        "origin_state_link": MAYBE_TEXT,
        "served_on": MAYBE_TEXT,
        "authority": MAYBE_TEXT,
        "grounds": MAYBE_TEXT,
        "deadline_days": MAYBE_NUMBER,
        "outcome": MAYBE_TEXT,
        "decision_code": MAYBE_TEXT,
        "service": MAYBE_TEXT,
        "procedure": MAYBE_TEXT,
        "notes": MAYBE_TEXT,
        "source_ids": MAYBE_TEXTS,
        "created_at": MAYBE_TEXT,
    },
}
IDENTITY_SHAPE: dict[str, Kinds] = {
    "full_name": MAYBE_TEXT,
    "other_names": MAYBE_TEXTS,
    "date_of_birth": MAYBE_TEXT,
    "contact": MAYBE_TEXT,
    "address": MAYBE_TEXT,
    "document_numbers": MAYBE_TEXTS,
    "notes": MAYBE_TEXT,
}
TABLES: dict[str, Table] = {
    "users": users,
    "sources": sources,
    "people": people,
    "cases": cases,
    "events": events,
}
ITEM_COLUMNS = {"tags": case_tags.c.tag, "source_ids": events.c.id}


def check_record(section: str, record: Any) -> None:
    """Refuse a record whose fields do not have the types and sizes the database holds."""
    if not isinstance(record, dict):
        raise ValidationError("record", f"expected an object, found {_kind_of(record)}")
    _check_fields(record, SHAPES[section], TABLES[section])
    identity = record.get("identity")
    if section == "people" and identity:
        _check_fields(identity, IDENTITY_SHAPE, None)


def _check_fields(record: Mapping[str, Any], shape: dict[str, Kinds], table: Table | None) -> None:
    for name, kinds in shape.items():
        value = record.get(name)
        if isinstance(value, bool) or not isinstance(value, kinds):
            expected = " or ".join(KIND_NAMES[kind] for kind in kinds if kind in KIND_NAMES)
            raise ValidationError(name, f"expected {expected}, found {_kind_of(value)}")
        if isinstance(value, int) and not -LARGEST_NUMBER <= value <= LARGEST_NUMBER:
            raise ValidationError(name, f"{value} is out of range")
        limit = _length_limit(table, name)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(value, list) and not isinstance(text, str):
                raise ValidationError(name, f"expected a list of texts, found {_kind_of(text)}")
            if isinstance(text, str):
                _check_text(name, text, limit)


def _check_text(name: str, value: str, limit: int | None) -> None:
    if "\x00" in value:
        raise ValidationError(name, "contains a NUL character")
    if limit is not None and len(value) > limit:
        raise ValidationError(name, f"longer than {limit} characters")


def _length_limit(table: Table | None, name: str) -> int | None:
    column = ITEM_COLUMNS.get(name)
    if column is None and table is not None and name in table.c:
        column = table.c[name]
    length = getattr(column.type, "length", None) if column is not None else None
    return length if isinstance(length, int) else None


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return KIND_NAMES.get(type(value), type(value).__name__)
