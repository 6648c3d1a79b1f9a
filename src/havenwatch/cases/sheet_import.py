"""Importing a spreadsheet as NGOs write it (CSV or Excel), with a preview row by row.

The file is read (`read_sheet`: an XLSX workbook's first sheet, or CSV text), its columns are
matched to havenwatch's fields, and to the importing team's own fields (`custom_column`:
`custom.<record>.<key>`), by their headers in any interface language (or as the user chose,
column by column, `""` for a column to leave out), and the rows are imported in one
transaction, or only tried (`dry_run`) to show what each row matches or creates: the person
by pseudonym among the importing team's people, their open case in the row's country.

A problem in the file (an unknown value, a field chosen for two columns, a missing required
column) is returned with what was read, so the page can show the columns and let the user
change the mapping; nothing is stored then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from havenwatch.access.scope import Scope
from havenwatch.cases.csv_import import (
    CANONICAL_COLUMNS,
    CUSTOM_PREFIX,
    REQUIRED,
    EventRow,
    ImportSummary,
    Sheet,
    column_indexes,
    csv_sheet,
    decode_text,
    failure,
    header_aliases,
    import_csv_rows,
    normalise_header,
    parse_sheet,
    read_upload,
)
from havenwatch.cases.custom_fields import fields_in
from havenwatch.cases.spreadsheets import read_xlsx
from havenwatch.core.custom_fields import RECORDS, FieldDefinition, fold_answer
from havenwatch.core.errors import HavenwatchError
from havenwatch.store.database import Database

ZIP_MAGIC = b"PK\x03\x04"


def read_sheet(data: bytes, file: str, encoding: str = "utf-8") -> Sheet:
    """An Excel workbook's first sheet or a CSV text, decided by the content, not the name."""
    if not data.startswith(ZIP_MAGIC):
        return csv_sheet(file, decode_text(data, encoding, file))
    rows = read_xlsx(data, file)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise failure("import.empty", file=file)
    return Sheet(rows[0], [(line, cells) for line, cells in enumerate(rows[1:], start=2)])


def parse_file(
    path: Path,
    *,
    encoding: str = "utf-8",
    mapping: dict[str, str] | None = None,
    default_country: str | None = None,
    name: str | None = None,
) -> list[EventRow]:
    """Every row of a CSV or XLSX file, or the first error (the command line's import)."""
    file = name or str(path)
    data = read_upload(path, file)
    sheet = read_sheet(data, file, encoding)
    columns = column_indexes(file, sheet.headers, mapping or {})
    return parse_sheet(file, sheet, columns, default_country)


def custom_column(field: FieldDefinition) -> str:
    """The name a column chosen for one of the team's fields goes by."""
    return f"{CUSTOM_PREFIX}{field.applies_to}.{field.key}"


def sheet_fields(db: Database, team: str, *, scope: Scope) -> list[FieldDefinition]:
    """The team's own fields a column may go to: people's, then cases', then events'."""
    with db.read() as conn:
        found = [field for field in fields_in(conn, scope) if field.team == team]
    return sorted(found, key=lambda field: RECORDS.index(field.applies_to))


def guessed_columns(headers: list[str], fields: Sequence[FieldDefinition] = ()) -> dict[int, str]:
    """The field each header names in any interface language (the first column wins): a
    built-in one, else one of the team's fields by its key or a label."""
    aliases, found = header_aliases(), dict[int, str]()
    for index, header in enumerate(headers):
        name = aliases.get(normalise_header(header))
        if name is not None and name in CANONICAL_COLUMNS and name not in found.values():
            found[index] = name
    headed = {fold_answer(text): custom_column(f) for f in fields for text in f.headers()}
    for index, header in enumerate(headers):
        name = headed.get(fold_answer(header))
        if index not in found and name is not None and name not in found.values():
            found[index] = name
    return found


def chosen_columns(
    file: str,
    headers: list[str],
    chosen: dict[int, str],
    fields: Sequence[FieldDefinition] = (),
) -> dict[int, str]:
    """The user's mapping (column position -> field, "" to leave a column out), checked."""
    columns = {index: name for index, name in chosen.items() if name and index < len(headers)}
    known = {*CANONICAL_COLUMNS, *(custom_column(field) for field in fields)}
    for name in columns.values():
        if name not in known:
            accepted = ", ".join(CANONICAL_COLUMNS)
            raise failure("import.unknown_field", file=file, field=name, accepted=accepted)
        if list(columns.values()).count(name) > 1:
            raise failure("import.field_twice", file=file, field=name)
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise failure(
            "import.missing_columns",
            file=file,
            columns=", ".join(missing),
            headers=", ".join(headers),
        )
    return columns


@dataclass
class SheetImport:
    """What was read, how its columns were mapped, and what the import did or would do."""

    file: str
    headers: list[str] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)
    summary: ImportSummary | None = None
    problem: HavenwatchError | None = None
    # The team's own fields a column may go to (`custom_column` names them).
    fields: list[FieldDefinition] = field(default_factory=list)


def import_sheet(
    db: Database,
    data: bytes,
    file: str,
    actor: str,
    *,
    scope: Scope,
    team: str,
    chosen: dict[int, str] | None = None,
    default_country: str | None = None,
    dry_run: bool = True,
    origin: str = "",
) -> SheetImport:
    """Read, map and import (or only try) a spreadsheet; a problem comes back, not raised."""
    result = SheetImport(file, fields=sheet_fields(db, team, scope=scope))
    try:
        sheet = read_sheet(data, file)
        result.headers = sheet.headers
        guessed = guessed_columns(sheet.headers, result.fields)
        result.columns = guessed if chosen is None else chosen
        result.columns = chosen_columns(file, sheet.headers, result.columns, result.fields)
        rows = parse_sheet(file, sheet, result.columns, default_country, chosen_fields=True)
        result.summary = import_csv_rows(
            db, rows, actor, team=team, scope=scope, dry_run=dry_run, origin=origin
        )
    except HavenwatchError as error:
        result.problem = error
    return result
