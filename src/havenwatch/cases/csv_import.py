"""Importing the spreadsheets NGOs keep: one row per event, headers in their own words.

Rows are parsed and validated first, all of them; only a file with no error is written, in
one transaction, so an import either happens entirely or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.access.visibility import source_visibility
from havenwatch.cases.bulk import Tables, empty_tables, insert_tables, source_row
from havenwatch.cases.case_files import case_row
from havenwatch.cases.events import event_row
from havenwatch.cases.people import person_row
from havenwatch.cases.sources import content_hash, team_scoped_hash
from havenwatch.cases.step_workflow import refresh_steps
from havenwatch.core.csv_cells import restore
from havenwatch.core.dates import FuzzyDate, parse_day, parse_fuzzy
from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.core.model import (
    Case,
    Event,
    Identity,
    Person,
    Source,
    check_country,
    validate_event,
)
from havenwatch.crypto.keys import Keyring
from havenwatch.store.database import Database, Unit
from havenwatch.store.schema import cases, people, sources

REQUIRED = ("person", "event_type")
CANONICAL_COLUMNS = (
    "person",
    "full_name",
    "nationality",
    "country",
    "event_type",
    "date",
    "served_on",
    "authority",
    "grounds",
    "deadline_days",
    "notes",
    "source_url",
)
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
        text = data.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except UnicodeDecodeError:
        raise ImportError_(
            f"{path}: not valid {encoding} text (save it as UTF-8, or pass --encoding cp1251)"
        ) from None
    except LookupError:
        raise ImportError_(f"{path}: unknown encoding {encoding!r}") from None
    if "\x00" in text:
        raise ImportError_(f"{path}: binary file, not text (it contains NUL characters)")
    return text


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
    """Surrounding spaces dropped, then the quote a havenwatch export put before formula text."""
    return restore(value.strip()) or None if value is not None else None


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


def delimiter(text: str) -> str:
    """The delimiter of the header line (comma, semicolon or tab); quoting stays standard.

    Only the delimiter is sniffed: the header line says nothing about how the rows quote,
    and sniffing the quoting from it broke doubled quotes (`"Ann ""Nick"" Smith"`).
    """
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


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
        reader = csv.DictReader(
            io.StringIO(text), dialect=csv.excel, delimiter=delimiter(text), strict=True
        )
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
    scope: Scope,
    dry_run: bool = False,
    origin: str = "",
) -> ImportSummary:
    """Import the rows into `team`, which must lie in the scope (else nothing is written)."""
    keyring = db.require_keyring()
    summary = ImportSummary(rows=len(rows), dry_run=dry_run)
    with db.write(actor, dry_run=dry_run) as unit:
        if not scope.allows(ensure_team(unit, team)):
            raise ValidationError("team", f"no team {team} in your scope")
        _write_rows(unit, keyring, rows, team, summary)
        unit.audit("import.csv", detail={"origin": origin, **asdict(summary)})
    return summary


@dataclass
class _Known:
    """What the database already holds for this team, so rows extend it instead of duplicating.

    `sources` maps a URL's content hash to the id of the source this team may see;
    `new_source_hashes` gives the hash a new copy is stored under: the URL's own, or one
    scoped to the team where another team's case already holds that URL (whose record this
    team must neither see nor be linked to).
    """

    people: dict[str, tuple[str, bytes | None]]
    open_cases: dict[tuple[str, str], str]
    sources: dict[str, str]
    new_source_hashes: dict[str, str] = field(default_factory=dict)


def _known(unit: Unit, team_id: str, rows: list[EventRow]) -> _Known:
    team_people = unit.conn.execute(
        select(people.c.pseudonym, people.c.id, people.c.wrapped_key).where(
            people.c.team_id == team_id
        )
    )
    open_cases = unit.conn.execute(
        select(cases.c.person_id, cases.c.country, cases.c.id)
        .join(people, people.c.id == cases.c.person_id)
        .where(people.c.team_id == team_id, cases.c.status == "open")
    )
    known = _Known(
        people={r.pseudonym: (r.id, r.wrapped_key) for r in team_people},
        open_cases={(r.person_id, r.country): r.id for r in open_cases},
        sources={},
    )
    digests = sorted({content_hash(Source(url=row.source_url)) for row in rows if row.source_url})
    for start in range(0, len(digests), 500):
        _known_sources(unit, team_id, digests[start : start + 500], known)
    return known


def _known_sources(unit: Unit, team_id: str, digests: list[str], known: _Known) -> None:
    scoped = {digest: team_scoped_hash(digest, [team_id]) for digest in digests}
    query = select(
        sources.c.content_hash,
        sources.c.id,
        source_visibility(Scope.teams(team_id)).label("visible"),
    ).where(sources.c.content_hash.in_([*digests, *scoped.values()]))
    found = {row.content_hash: row for row in unit.conn.execute(query)}
    for digest in digests:
        plain, own = found.get(digest), found.get(scoped[digest])
        if plain is not None and plain.visible:
            known.sources[digest] = plain.id
        elif own is not None:
            known.sources[digest] = own.id
        else:
            known.new_source_hashes[digest] = digest if plain is None else scoped[digest]


def _write_rows(
    unit: Unit, keyring: Keyring, rows: list[EventRow], team: str, summary: ImportSummary
) -> None:
    """Build every new row in memory, then insert them table by table."""
    team_id = ensure_team(unit, team)
    known = _known(unit, team_id, rows)
    tables = empty_tables()
    for row in rows:
        person_id, wrapped = known.people.get(row.person) or _new_person(
            keyring, row, team, team_id, tables
        )
        known.people[row.person] = (person_id, wrapped)
        case_id = known.open_cases.get((person_id, row.country))
        if case_id is None:
            case = Case(person_id=person_id, country=row.country, team=team)
            tables["cases"].append(case_row(keyring, case, wrapped, team_id))
            case_id = known.open_cases[(person_id, row.country)] = str(case.id)
        row.event.case_id, row.event.id = case_id, None
        tables["events"].append(event_row(keyring, row.event, wrapped, person_id))
        if row.source_url:
            source_id = _source_id(row.source_url, known, tables)
            tables["links"].append(
                {"event_id": row.event.id, "source_id": source_id, "role": "reported"}
            )
    insert_tables(unit, tables)
    for case_id in sorted({event["case_id"] for event in tables["events"]}):
        refresh_steps(unit.conn, case_id)
    summary.people, summary.cases = len(tables["people"]), len(tables["cases"])
    summary.events, summary.sources = len(tables["events"]), len(tables["sources"])


def _new_person(
    keyring: Keyring, row: EventRow, team: str, team_id: str, tables: Tables
) -> tuple[str, bytes | None]:
    person = Person(
        pseudonym=row.person,
        identity=Identity(full_name=row.full_name),
        nationality=row.nationality,
        team=team,
    )
    person_record, keys = person_row(keyring, person, team_id)
    tables["people"].append(person_record)
    tables["keys"] += [{"person_id": person.id, "name_key": key} for key in keys]
    return str(person.id), person_record["wrapped_key"]


def _source_id(url: str, known: _Known, tables: Tables) -> str:
    source = Source(url=url)
    digest = content_hash(source)
    if digest not in known.sources:
        source.content_hash = known.new_source_hashes.get(digest, digest)
        tables["sources"].append(source_row(source))
        known.sources[digest] = str(source.id)
    return known.sources[digest]
