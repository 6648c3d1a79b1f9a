"""Lossless JSON export and import of everything a case file holds.

The document is deterministic (records sorted by id, keys sorted), so export → import into an
empty database → export gives the same bytes. Identity fields and notes appear in clear: a
full export is as sensitive as the database and key together, and is recorded in the audit
trail. Document files are not included; `havenwatch backup` carries the vault. The format is
described in docs/interchange.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, NoResultFound

from havenwatch.access.accounts import ROLES
from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.cases.case_files import insert_case, load_cases
from havenwatch.cases.custom_fields import export_fields, import_fields
from havenwatch.cases.events import event_from_row, insert_event
from havenwatch.cases.people import insert_person, load_people
from havenwatch.cases.record_shapes import (
    SECTION_TABLES,
    SECTIONS,
    CaseEntry,
    Entry,
    EventEntry,
    PersonEntry,
    ShapeError,
    SourceEntry,
    UserEntry,
    located,
)
from havenwatch.cases.sources import insert_source, sources_from_rows
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import cases, event_sources, events, people, sources, teams, users

FORMAT = "havenwatch-export/1"
MAX_IMPORT_BYTES = 512 * 1024 * 1024
# Not an argon2 hash, so no password ever matches it: imported users must be given a new one.
UNUSABLE_PASSWORD = "!imported"  # noqa: S105


class InterchangeError(HavenwatchError):
    """An export document is malformed; the message names the file and record."""


def _entries(shape: type[Entry], records: Iterable[object]) -> list[dict[str, Any]]:
    return [shape.of(record).model_dump(mode="json") for record in records]


def _people(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    rows = conn.execute(select(people).order_by(people.c.id)).all()
    return _entries(PersonEntry, load_people(conn, keyring, rows))


def _cases(
    conn: Connection, keyring: Keyring, wrapped: dict[str, bytes | None]
) -> list[dict[str, Any]]:
    rows = conn.execute(select(cases).order_by(cases.c.id)).all()
    return _entries(CaseEntry, load_cases(conn, keyring, list(rows), wrapped))


def _events(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(events, cases.c.person_id, people.c.wrapped_key)
        .join(cases, cases.c.id == events.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
        .order_by(events.c.id)
    ).all()
    links: dict[str, list[str]] = {}
    for link in conn.execute(select(event_sources).order_by(event_sources.c.source_id)):
        links.setdefault(link.event_id, []).append(link.source_id)
    found = []
    for row in rows:
        key = PersonKey(keyring, row.wrapped_key, row.person_id)
        notes = key.open_text(row.notes, "events", "notes", row.id)
        found.append(event_from_row(row, notes, links.get(row.id, []), []))
    return _entries(EventEntry, found)


def _sources(conn: Connection, keyring: Keyring) -> list[dict[str, Any]]:
    rows = conn.execute(select(sources).order_by(sources.c.id)).all()
    return _entries(SourceEntry, sources_from_rows(conn, keyring, rows))


def _users(conn: Connection) -> list[dict[str, Any]]:
    names = {row.id: row.name for row in conn.execute(select(teams))}
    return [
        {"id": u.id, "username": u.username, "role": u.role, "team": names[u.team_id]}
        for u in conn.execute(select(users).order_by(users.c.id))
    ]


def export_document(db: Database, actor: str) -> dict[str, Any]:
    keyring = db.require_keyring()
    with db.write(actor) as unit:
        conn = unit.conn
        wrapped = {
            row.id: row.wrapped_key
            for row in conn.execute(select(people.c.id, people.c.wrapped_key))
        }
        document = {
            "format": FORMAT,
            "teams": sorted(row.name for row in conn.execute(select(teams.c.name))),
            "users": _users(conn),
            "people": _people(conn, keyring),
            "cases": _cases(conn, keyring, wrapped),
            "events": _events(conn, keyring),
            "sources": _sources(conn, keyring),
            **export_fields(conn, keyring),
        }
        unit.audit(
            "export.full",
            detail={key: len(value) for key, value in document.items() if isinstance(value, list)},
        )
    return document


def dump_document(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def load_document(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise InterchangeError(f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MB")
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise InterchangeError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InterchangeError(f"{path}: not UTF-8 text") from None
    except RecursionError:
        raise InterchangeError(f"{path}: not an export (values nested too deeply)") from None
    except json.JSONDecodeError as error:
        raise InterchangeError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InterchangeError(f'{path}: not a havenwatch export (expected "format": "{FORMAT}")')
    return document


def _insert_user(unit: Unit, user: UserEntry) -> None:
    if user.role not in ROLES:
        raise ValidationError("role", f"unknown role {user.role!r}")
    unit.conn.execute(
        users.insert().values(
            id=user.id,
            username=user.username,
            role=user.role,
            team_id=ensure_team(unit, user.team),
            locale="en",
            active=False,
            password_hash=UNUSABLE_PASSWORD,
            created_at=utcnow(),
        )
    )


def _exists(unit: Unit, table: Any, record_id: str) -> bool:
    return unit.conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None


def import_document(
    db: Database, document: dict[str, Any], actor: str, *, origin: str = ""
) -> dict[str, int]:
    """Insert every record not already present (matched by id); all or nothing."""
    keyring = db.require_keyring()
    counts = {section: 0 for section in ("people", "cases", "events", "sources", "users")}
    inserts = _inserts(keyring)
    with db.write(actor) as unit:
        for section, shape in SECTIONS.items():
            for index, record in enumerate(_records(document, section, origin)):
                place = f"{origin}: {section}[{index}]"
                try:
                    entry = shape.model_validate(record)
                    if _exists(unit, SECTION_TABLES[section], entry.record_id):
                        continue
                    inserts[section](unit, entry)
                except ShapeError as error:
                    field, reason = located(error)
                    raise InterchangeError(f"{place} field {field}: {reason}") from None
                except ValidationError as error:
                    raise InterchangeError(f"{place} field {error.field}: {error.reason}") from None
                except (KeyError, TypeError, ValueError) as error:
                    raise InterchangeError(f"{place}: malformed record ({error})") from None
                except IntegrityError:
                    raise InterchangeError(
                        f"{place}: clashes with a record already in the "
                        "database (same username or source content under another id), "
                        "or links to a record that does not exist"
                    ) from None
                counts[section] += 1
        counts["values"] = _import_fields(unit, keyring, document, origin)
        unit.audit("import.json", detail={"origin": origin, **counts})
    return counts


def _import_fields(unit: Unit, keyring: Keyring, document: dict[str, Any], origin: str) -> int:
    """The teams' fields and their values, after the records they belong to."""
    entries = _records(document, "custom_fields", origin)
    values = _records(document, "custom_values", origin)
    try:
        return import_fields(unit, keyring, entries, values)
    except ValidationError as error:
        raise InterchangeError(
            f"{origin}: custom_values field {error.field}: {error.reason}"
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError, NoResultFound) as error:
        raise InterchangeError(f"{origin}: custom_fields: malformed record ({error})") from None
    except IntegrityError:
        raise InterchangeError(
            f"{origin}: custom_values: a value of a record that does not exist"
        ) from None


def _records(document: dict[str, Any], section: str, origin: str) -> list[Any]:
    records = document.get(section) or []
    if not isinstance(records, list):
        raise InterchangeError(f"{origin}: {section} must be a list of records")
    return records


def _inserts(keyring: Keyring) -> dict[str, Callable[[Unit, Any], object]]:
    """How each section's entry is stored, through the services that store records."""
    return {
        "users": _insert_user,
        "sources": lambda unit, entry: insert_source(
            unit, entry.record(), scope=Scope.everything()
        ),
        "people": lambda unit, entry: insert_person(unit, keyring, entry.record()),
        "cases": lambda unit, entry: insert_case(unit, keyring, entry.record()),
        "events": lambda unit, entry: insert_event(unit, keyring, entry.record()),
    }
