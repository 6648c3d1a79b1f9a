"""A Serbian-labelled Excel sheet and a Russian-labelled CSV import; the preview says, row by
row, which person (by pseudonym) and case each row matches or creates, within the team only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.people import add_person
from havenwatch.cases.sheet_import import SheetImport, import_sheet, parse_file
from havenwatch.cases.spreadsheets import SpreadsheetError
from havenwatch.core.model import Case, Person
from havenwatch.store.database import Database
from havenwatch.store.schema import events, people
from tests.cases.sheet_samples import xlsx_of

SERBIAN_SHEET = [
    ["Pseudonim", "Zemlja boravka", "Vrsta događaja", "Datum", "Organ", "Beleška"],
    ["Vrabac", "RS", "Zabrana ulaska", date(2025, 3, 3), "MUP", "aerodrom"],
    ["Čaplja", "RS", "protjerivanje", date(2025, 4, 1), "BIA", ""],
    ["Čaplja", "RS", "Zabrana ulaska", "2025-05", "BIA", ""],
]
RUSSIAN_CSV = (
    "Псевдоним;Страна пребывания;Тип события;Дата;Орган\n"
    "Vrabac;RS;высылка;2025-06-02;МВД\n"
    "Грач;RS;Запрет въезда;2025-06-03;\n"
).encode()


def _known_person(db: Database, pseudonym: str, team: str = "default") -> None:
    person = add_person(db, Person(pseudonym=pseudonym, team=team), "t", scope=Scope.everything())
    add_case(db, Case(person_id=person.id or "", country="RS"), "t", scope=Scope.everything())


def _preview(db: Database, data: bytes, file: str, **options: Any) -> SheetImport:
    return import_sheet(
        db, data, file, "tester", scope=Scope.everything(), team="default", **options
    )


def _rows(outcome: SheetImport) -> list[tuple[int, str, bool, bool, str]]:
    summary = outcome.summary
    assert summary is not None, outcome.problem
    return [
        (r.line, r.pseudonym, r.person_exists, r.case_exists, r.event_type)
        for r in summary.outcomes
    ]


def _count(db: Database, table: Table) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_serbian_excel_sheet_previews_matched_people_by_pseudonym_then_imports(
    db: Database,
) -> None:
    _known_person(db, "Vrabac")
    data = xlsx_of(SERBIAN_SHEET)
    preview = _preview(db, data, "spisak.xlsx")
    assert _rows(preview) == [
        (2, "Vrabac", True, True, "entry_ban"),
        (3, "Čaplja", False, False, "expulsion_order"),
        (4, "Čaplja", False, False, "entry_ban"),
    ]
    assert preview.headers[0] == "Pseudonim" and preview.columns[4] == "authority"
    assert _count(db, events) == 0 and _count(db, people) == 1
    done = _preview(db, data, "spisak.xlsx", dry_run=False)
    assert done.summary.events == 3 and done.summary.people == 1
    assert _count(db, events) == 3 and _count(db, people) == 2


def test_a_russian_csv_previews_its_rows_and_another_teams_pseudonym_is_not_matched(
    db: Database,
) -> None:
    _known_person(db, "Vrabac")
    _known_person(db, "Грач", team="team-b")
    assert _rows(_preview(db, RUSSIAN_CSV, "список.csv")) == [
        (2, "Vrabac", True, True, "expulsion_order"),
        (3, "Грач", False, False, "entry_ban"),
    ]


def test_columns_as_chosen_leave_one_out_and_a_wrong_choice_is_one_line_naming_the_file(
    db: Database,
) -> None:
    data = xlsx_of(SERBIAN_SHEET)
    chosen = {0: "person", 1: "country", 2: "event_type", 3: "date", 4: "", 5: "notes"}
    left_out = _preview(db, data, "spisak.xlsx", chosen=chosen)
    assert left_out.problem is None and 4 not in left_out.columns
    twice = _preview(db, data, "spisak.xlsx", chosen={**chosen, 5: "date"})
    assert twice.problem.key == "import.field_twice"
    assert str(twice.problem).startswith("spisak.xlsx: ")
    missing = _preview(db, data, "spisak.xlsx", chosen={**chosen, 0: ""})
    assert missing.problem.key == "import.missing_columns"
    assert missing.headers == SERBIAN_SHEET[0]
    assert _count(db, events) == 0


def test_the_command_lines_reader_takes_an_excel_file_with_a_column_mapped_by_hand(
    tmp_path: Path,
) -> None:
    path = tmp_path / "spisak.xlsx"
    path.write_bytes(xlsx_of([["Klijent", "Država", "Tip"], ["Vrabac", "RS", "Zabrana ulaska"]]))
    [row] = parse_file(path, mapping={"Klijent": "person"})
    assert (row.line, row.person, row.country, row.event.type) == (2, "Vrabac", "RS", "entry_ban")
    path.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(SpreadsheetError, match=r"^spisak\.xlsx: "):
        parse_file(path, name="spisak.xlsx")
