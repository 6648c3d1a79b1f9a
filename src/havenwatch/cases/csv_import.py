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
from havenwatch.cases.custom_fields import CellError, SheetRow, write_sheet_values
from havenwatch.cases.events import event_row
from havenwatch.cases.people import person_row
from havenwatch.cases.sources import content_hash, team_scoped_hash
from havenwatch.cases.step_workflow import refresh_steps
from havenwatch.core.csv_cells import restore
from havenwatch.core.dates import FuzzyDate, parse_day, parse_fuzzy
from havenwatch.core.errors import HavenwatchError, ValidationError, explained
from havenwatch.core.model import (
    Case,
    Event,
    Identity,
    Person,
    Source,
    validate_event,
)
from havenwatch.core.value_labels import code_for, column_labels, labels_of
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
# A column chosen for one of the team's own fields: `custom.<record>.<key>`.
CUSTOM_PREFIX = "custom."


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
    # Cells under headers of no built-in field (header -> text): the team's own fields, if
    # one of them is headed so (`cases.custom_fields.write_sheet_values`); and the file.
    extra: dict[str, str] = field(default_factory=dict)
    file: str = ""
    # When the columns were chosen on the preview page: the team's field each of those
    # headers goes to ("<record>.<key>"); then no other column feeds a field.
    chosen: dict[str, str] | None = None


@dataclass(frozen=True)
class RowOutcome:
    """What one row matched or creates: shown row by row before anything is saved.

    A person is matched by pseudonym among the importing team's people only (another team's
    person of the same pseudonym is never matched, nor named), a case as that person's open
    case in the row's country.
    """

    line: int
    pseudonym: str
    person_exists: bool
    country: str
    case_exists: bool
    event_type: str


@dataclass
class ImportSummary:
    rows: int = 0
    people: int = 0
    cases: int = 0
    events: int = 0
    sources: int = 0
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)


@cache
def header_aliases() -> dict[str, str]:
    """Folded header -> field: the headers NGOs write, and the export's in every language."""
    text = resources.files("havenwatch.data").joinpath("csv_headers.json").read_text("utf-8")
    table = json.loads(text)
    written = {
        normalise_header(alias): name
        for name, aliases in table.items()
        if not name.startswith("_")
        for alias in aliases
    }
    exported = {
        normalise_header(header): name
        for name, headers in column_labels().items()
        for header in headers
    }
    return {**exported, **written}


def normalise_header(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", header.lower().replace("_", " ")).split())


def failure(key: str, **params: str | int) -> ImportError_:
    """An import error from the error catalogue, translatable where it is shown."""
    return explained(ImportError_, key, **params)


def read_upload(path: Path, file: str) -> bytes:
    """A file's bytes; too large or unreadable is a one-line error naming `file`."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise failure("import.too_large", file=file, limit=MAX_BYTES // (1024 * 1024))
        return path.read_bytes()
    except OSError as error:
        raise failure("import.unreadable", file=file, detail=str(error.strerror)) from None


def decode_text(data: bytes, encoding: str, file: str) -> str:
    """A CSV file's bytes as text; a binary file or a wrong encoding is a one-line error."""
    if len(data) > MAX_BYTES:
        raise failure("import.too_large", file=file, limit=MAX_BYTES // (1024 * 1024))
    if b"\x00" in data[:4096]:
        raise failure("import.binary", file=file)
    try:
        text = data.decode("utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding)
    except UnicodeDecodeError:
        raise failure("import.bad_encoding", file=file, encoding=encoding) from None
    except LookupError:
        raise failure("import.unknown_encoding", file=file, encoding=encoding) from None
    if "\x00" in text:
        raise failure("import.binary", file=file)
    return text


def column_map(file: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Map each of the file's headers to a canonical field (explicit --map wins)."""
    aliases = header_aliases()
    fields = set(aliases.values())
    for field_name in mapping.values():
        if field_name not in fields:
            raise failure(
                "import.unknown_field",
                file=file,
                field=field_name,
                accepted=", ".join(sorted(fields)),
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
        raise failure(
            "import.missing_columns",
            file=file,
            columns=", ".join(missing),
            headers=", ".join(headers),
        )
    return result


def _blank(value: str | None) -> str | None:
    """Surrounding spaces dropped, then the quote a havenwatch export put before formula text."""
    return restore(value.strip()) or None if value is not None else None


def parse_row(
    file: str,
    line: int,
    row: dict[str, str | None],
    default_country: str | None,
    headers: dict[str, str] | None = None,
) -> EventRow:
    """One row's event; an error names the file, the row and the column as the file heads it."""
    values = {field_name: _blank(value) for field_name, value in row.items()}
    try:
        return _row(line, values, default_country)
    except ValidationError as error:
        column = (headers or {}).get(error.field, error.field)
        problem = failure(
            "import.row_field", file=file, row=line, column=column, reason=error.reason
        )
        problem.inner = error
        raise problem from None


def coded(kind: str, field_name: str, value: str | None) -> str | None:
    """The code a cell names (a code, a label in any interface language, a known synonym)."""
    if not value:
        return None
    code = code_for(kind, value)
    if code is None:
        if kind == "country":
            raise ValidationError.of(field_name, "value.unknown_country", value=value)
        accepted = ", ".join(labels_of(kind, "en"))
        raise ValidationError.of(
            field_name, "value.unknown", value=value, accepted=accepted, kind=kind
        )
    return code


def _row(line: int, values: dict[str, str | None], default_country: str | None) -> EventRow:
    person = values.get("person")
    if not person:
        raise ValidationError.of("person", "import.row_person_missing")
    country = coded("country", "country", values.get("country") or default_country)
    if not country:
        raise ValidationError.of("country", "import.row_country_missing")
    nationality = coded("country", "nationality", values.get("nationality"))
    event = Event(
        case_id="",
        type=coded("event_type", "event_type", values.get("event_type")) or "",
        date=_date(values.get("date")),
        served_on=_served(values.get("served_on")),
        authority=coded("authority", "authority", values.get("authority")),
        grounds=coded("grounds", "grounds", values.get("grounds")),
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
        raise ValidationError.of("deadline_days", "value.not_days", value=value)
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


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet as read: its header cells and its other rows, each with its line."""

    headers: list[str]
    records: list[tuple[int, list[str]]]


def csv_sheet(file: str, text: str) -> Sheet:
    """The rows of a CSV text (comma, semicolon or tab separated)."""
    if not text.strip():
        raise failure("import.empty", file=file)
    try:
        reader = csv.reader(
            io.StringIO(text), dialect=csv.excel, delimiter=delimiter(text), strict=True
        )
        headers = next(reader, [])
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise failure("import.malformed", file=file, detail=str(error)) from None
    return Sheet(headers, records)


def parse_sheet(
    file: str,
    sheet: Sheet,
    columns: dict[int, str],
    default_country: str | None = None,
    *,
    chosen_fields: bool = False,
) -> list[EventRow]:
    """Every row's event (`columns`: which field each column holds), or the first error.

    A column may hold one of the team's own fields (`custom.<record>.<key>`); with
    `chosen_fields` only such columns feed the team's fields (the preview page's mapping),
    else any column headed with a field's key or label does (the command line)."""
    built_in = {i: name for i, name in columns.items() if not name.startswith(CUSTOM_PREFIX)}
    custom = {i: name[len(CUSTOM_PREFIX) :] for i, name in columns.items() if i not in built_in}
    written = {field_name: sheet.headers[index] for index, field_name in built_in.items()}
    headed = {_column_name(sheet.headers, index): name for index, name in custom.items()}
    rows = []
    for line, cells in sheet.records:
        if len(cells) > len(sheet.headers):
            raise failure("import.extra_cells", file=file, row=line)
        if not any(cell.strip() for cell in cells):
            continue
        canonical = {
            field_name: cells[index] if index < len(cells) else None
            for index, field_name in built_in.items()
        }
        parsed = parse_row(file, line, canonical, default_country, written)
        parsed.file = file
        if chosen_fields:
            parsed.extra, parsed.chosen = _chosen_cells(sheet.headers, cells, custom), headed
        else:
            parsed.extra = _extra_cells(sheet.headers, cells, columns)
        rows.append(parsed)
    return rows


def _column_name(headers: list[str], index: int) -> str:
    return headers[index].strip() or f"#{index + 1}"


def _chosen_cells(headers: list[str], cells: list[str], custom: dict[int, str]) -> dict[str, str]:
    """The row's non-blank cells of the columns chosen for the team's fields (header -> text)."""
    found: dict[str, str] = {}
    for index in custom:
        value = _blank(cells[index]) if index < len(cells) else None
        if value:
            found.setdefault(_column_name(headers, index), value)
    return found


def column_indexes(file: str, headers: list[str], mapping: dict[str, str]) -> dict[int, str]:
    """`column_map` by column position: which field each recognised column holds."""
    by_header = column_map(file, headers, mapping)
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        field_name = by_header.get(header)
        if field_name is not None and field_name not in found.values():
            found[index] = field_name
    return found


def _extra_cells(headers: list[str], cells: list[str], columns: dict[int, str]) -> dict[str, str]:
    """The row's non-blank cells under headers no built-in field took (header -> text)."""
    found: dict[str, str] = {}
    for index, header in enumerate(headers):
        value = _blank(cells[index]) if index < len(cells) and index not in columns else None
        if header and value and header not in found:
            found[header] = value
    return found


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
            raise ValidationError.of("team", "team.out_of_scope", id=team)
        _write_rows(unit, keyring, rows, team, summary)
        counts = {k: v for k, v in asdict(summary).items() if k != "outcomes"}
        unit.audit("import.csv", detail={"origin": origin, **counts})
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
    existing_people, existing_cases = set(known.people), set(known.open_cases)
    tables = empty_tables()
    sheet: list[SheetRow] = []
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
        summary.outcomes.append(
            RowOutcome(
                row.line,
                row.person,
                row.person in existing_people,
                row.country,
                (person_id, row.country) in existing_cases,
                row.event.type,
            )
        )
        tables["events"].append(event_row(keyring, row.event, wrapped, person_id))
        if row.extra:
            cells = (person_id, case_id, str(row.event.id))
            sheet.append(SheetRow(row.file, row.line, row.extra, *cells, chosen=row.chosen))
        if row.source_url:
            source_id = _source_id(row.source_url, known, tables)
            tables["links"].append(
                {"event_id": row.event.id, "source_id": source_id, "role": "reported"}
            )
    insert_tables(unit, tables)
    for case_id in sorted({event["case_id"] for event in tables["events"]}):
        refresh_steps(unit.conn, case_id)
    if sheet:
        _write_sheet_values(unit, keyring, team_id, sheet)
    summary.people, summary.cases = len(tables["people"]), len(tables["cases"])
    summary.events, summary.sources = len(tables["events"]), len(tables["sources"])


def _write_sheet_values(unit: Unit, keyring: Keyring, team_id: str, sheet: list[SheetRow]) -> None:
    """The team's own fields; a cell that does not fit is named by file, row and column."""
    try:
        write_sheet_values(unit, keyring, team_id, sheet)
    except CellError as cell:
        problem = failure(
            "import.row_field",
            file=cell.row.file,
            row=cell.row.line,
            column=cell.header,
            reason=cell.error.reason,
        )
        problem.inner = cell.error
        raise problem from None


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
