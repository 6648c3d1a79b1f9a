"""Importing the spreadsheets NGOs keep: one row per event, headers in their own words.

Rows are parsed and validated first, all of them; only a file with no error is written, in
one transaction, so an import either happens entirely or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from havenwatch.cases.case_files import insert_case
from havenwatch.cases.dates import FuzzyDate, parse_day, parse_fuzzy
from havenwatch.cases.errors import HavenwatchError, ValidationError
from havenwatch.cases.events import insert_event
from havenwatch.cases.model import (
    Case,
    Event,
    Identity,
    Person,
    Source,
    check_country,
    validate_event,
)
from havenwatch.cases.people import insert_person
from havenwatch.cases.sources import insert_source
from havenwatch.cases.teams import ensure_team
from havenwatch.security.crypto import Keyring
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import cases, people

REQUIRED = ("person", "event_type")
MAX_BYTES = 50 * 1024 * 1024


class ImportError_(HavenwatchError):
    """A file could not be imported; the message names the file, row and field."""


@dataclass
class EventRow:
    line: int
    person: str
    full_name: str | None
    nationality: str | None
    country: str
    event: Event
    source_url: str | None


@dataclass
class ImportSummary:
    rows: int = 0
    people: int = 0
    cases: int = 0
    events: int = 0
    sources: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)


@cache
def header_aliases() -> dict[str, str]:
    text = resources.files("havenwatch.data").joinpath("csv_headers.json").read_text("utf-8")
    table = json.loads(text)
    return {
        normalise_header(alias): name
        for name, aliases in table.items()
        if not name.startswith("_")
        for alias in aliases
    }


def normalise_header(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", header.lower().replace("_", " ")).split())


def read_text(path: Path, encoding: str) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ImportError_(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as error:
        raise ImportError_(f"{path}: cannot read ({error.strerror})") from None
    if b"\x00" in data[:4096]:
        raise ImportError_(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except UnicodeDecodeError:
        raise ImportError_(
            f"{path}: not valid {encoding} text (save it as UTF-8, or pass --encoding cp1251)"
        ) from None
    except LookupError:
        raise ImportError_(f"{path}: unknown encoding {encoding!r}") from None


def column_map(path: Path, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Map each of the file's headers to a canonical field (explicit --map wins)."""
    aliases = header_aliases()
    fields = set(aliases.values())
    for field_name in mapping.values():
        if field_name not in fields:
            raise ImportError_(
                f"{path}: --map names unknown field {field_name!r} "
                f"(fields: {', '.join(sorted(fields))})"
            )
    explicit = {normalise_header(k): v for k, v in mapping.items()}
    result: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        target = explicit.get(key) or aliases.get(key)
        if target and target not in result.values():
            result[header] = target
    missing = [name for name in REQUIRED if name not in result.values()]
    if missing:
        raise ImportError_(
            f"{path}: missing required column {', '.join(missing)} "
            f"(headers found: {', '.join(headers)})"
        )
    return result


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def parse_row(path: Path, line: int, row: dict[str, str], default_country: str | None) -> EventRow:
    values = {field_name: _blank(value) for field_name, value in row.items()}
    try:
        return _row(line, values, default_country)
    except ValidationError as error:
        raise ImportError_(f"{path}, row {line}, field {error.field}: {error.reason}") from None


def _row(line: int, values: dict[str, str | None], default_country: str | None) -> EventRow:
    person = values.get("person")
    if not person:
        raise ValidationError("person", "empty (every row needs the person's pseudonym)")
    country = (values.get("country") or default_country or "").upper()
    if not country:
        raise ValidationError("country", "empty (add a country column or pass --country)")
    check_country("country", country)
    nationality = (values.get("nationality") or "").upper() or None
    check_country("nationality", nationality)
    event = Event(
        case_id="",
        type=(values.get("event_type") or "").strip(),
        date=_date(values.get("date")),
        served_on=_served(values.get("served_on")),
        authority=values.get("authority"),
        grounds=values.get("grounds"),
        deadline_days=_days(values.get("deadline_days")),
        notes=values.get("notes"),
    )
    validate_event(event)
    return EventRow(
        line, person, values.get("full_name"), nationality, country, event, values.get("source_url")
    )


def _served(value: str | None) -> date | None:
    return parse_day(value, "served_on") if value else None


def _date(value: str | None) -> FuzzyDate | None:
    return parse_fuzzy(value, "date") if value else None


def _days(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise ValidationError("deadline_days", f"{value!r} is not a whole number of days")
    return int(value)


def parse_csv(
    path: Path,
    *,
    encoding: str = "utf-8",
    mapping: dict[str, str] | None = None,
    default_country: str | None = None,
) -> list[EventRow]:
    text = read_text(path, encoding)
    if not text.strip():
        raise ImportError_(f"{path}: the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        headers = list(reader.fieldnames or [])
        columns = column_map(path, headers, mapping or {})
        rows = []
        for row in reader:
            if None in row:
                raise ImportError_(f"{path}, row {reader.line_num}: more cells than headers")
            canonical = {columns[h]: v for h, v in row.items() if h in columns}
            if any((v or "").strip() for v in row.values()):
                rows.append(parse_row(path, reader.line_num, canonical, default_country))
    except csv.Error as error:
        raise ImportError_(f"{path}: malformed CSV ({error})") from None
    return rows


def import_csv_rows(
    db: Database,
    rows: list[EventRow],
    actor: str,
    *,
    team: str = "default",
    dry_run: bool = False,
    origin: str = "",
) -> ImportSummary:
    keyring = db.require_keyring()
    summary = ImportSummary(rows=len(rows), dry_run=dry_run)
    with db.engine.connect().execution_options(havenwatch_write=True) as conn:
        transaction = conn.begin()
        unit = Unit(conn, actor, db.is_postgres)
        try:
            _write_rows(unit, keyring, rows, team, summary)
            unit.audit(
                "import.csv",
                detail={"origin": origin, "rows": summary.rows, "events": summary.events},
            )
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return summary


def _write_rows(
    unit: Unit, keyring: Keyring, rows: list[EventRow], team: str, summary: ImportSummary
) -> None:
    team_id = ensure_team(unit, team)
    person_ids: dict[str, str] = {}
    case_ids: dict[tuple[str, str], str] = {}
    for row in rows:
        person_id = person_ids.get(row.person) or _person(
            unit, keyring, row, team, team_id, summary
        )
        person_ids[row.person] = person_id
        case_key = (person_id, row.country)
        case_id = case_ids.get(case_key) or _case(
            unit, keyring, person_id, row.country, team, summary
        )
        case_ids[case_key] = case_id
        row.event.case_id = case_id
        row.event.id = None
        if row.source_url:
            source, created = insert_source(unit, Source(url=row.source_url))
            summary.sources += int(created)
            row.event.source_ids = [source.id] if source.id else []
        insert_event(unit, keyring, row.event)
        summary.events += 1


def _person(
    unit: Unit, keyring: Keyring, row: EventRow, team: str, team_id: str, summary: ImportSummary
) -> str:
    existing = unit.conn.execute(
        select(people.c.id).where(people.c.pseudonym == row.person, people.c.team_id == team_id)
    ).scalar()
    if existing:
        return str(existing)
    person = Person(
        pseudonym=row.person,
        identity=Identity(full_name=row.full_name),
        nationality=row.nationality,
        team=team,
    )
    insert_person(unit, keyring, person)
    summary.people += 1
    return str(person.id)


def _case(
    unit: Unit, keyring: Keyring, person_id: str, country: str, team: str, summary: ImportSummary
) -> str:
    existing = unit.conn.execute(
        select(cases.c.id).where(
            cases.c.person_id == person_id, cases.c.country == country, cases.c.status == "open"
        )
    ).scalar()
    if existing:
        return str(existing)
    case = insert_case(unit, keyring, Case(person_id=person_id, country=country, team=team))
    summary.cases += 1
    return str(case.id)
