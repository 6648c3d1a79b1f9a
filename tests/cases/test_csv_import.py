from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import list_cases
from havenwatch.cases.csv_import import ImportError_, import_csv_rows
from havenwatch.cases.events import list_events
from havenwatch.cases.people import find_people_by_name, get_person, list_people
from havenwatch.cases.sheet_import import parse_file
from havenwatch.store.database import Database
from tests.helpers import snapshot

CANONICAL = (
    "person,full_name,nationality,country,event_type,date,served_on,authority,grounds,deadline_days,notes,source_url\n"
    "Heron,Oleg Volokhonsky,RU,RS,security_designation,2024-09-10,,security_agency,national_security,,,\n"
    "Heron,Oleg Volokhonsky,RU,RS,expulsion_order,16.09.2024,18 Sep 2024,interior_ministry,national_security,30,"
    "told to leave,https://news.example.org/a\n"
    "Lark,,BY,GE,entry_ban,2024-05,,border_police,,,,\n"
)


def _write(tmp_path: Path, text: str, name: str = "cases.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_canonical_csv_creates_people_cases_events_and_sources(
    db: Database, tmp_path: Path
) -> None:
    rows = parse_file(_write(tmp_path, CANONICAL))
    summary = import_csv_rows(db, rows, "test", scope=Scope.everything())
    assert (summary.people, summary.cases, summary.events, summary.sources) == (2, 2, 3, 1)
    heron = find_people_by_name(db, "Волохонский", scope=Scope.everything())
    assert len(heron) == 1
    case = (
        list_cases(db, scope=Scope.everything())[0]
        if list_cases(db, scope=Scope.everything())[0].country == "RS"
        else list_cases(db, scope=Scope.everything())[1]
    )
    timeline = list_events(
        db, case.id or "", with_notes=True, actor="test", scope=Scope.everything()
    )
    assert [e.type for e in timeline] == ["security_designation", "expulsion_order"]
    assert timeline[1].served_on is not None and timeline[1].served_on.isoformat() == "2024-09-18"
    assert timeline[1].notes == "told to leave"


def test_russian_and_serbian_headers_are_recognised(sqlite_db: Database, tmp_path: Path) -> None:
    russian = "Псевдоним;Гражданство;Страна;Тип события;Дата;Срок\nЦапля;RU;RS;expulsion_order;01.02.2024;30\n"
    serbian = "Pseudonim,Država,Tip događaja,Datum\nVrabac,RS,entry_ban,2024-03-01\n"
    for name, text in (("ru.csv", russian), ("sr.csv", serbian)):
        import_csv_rows(
            sqlite_db, parse_file(_write(tmp_path, text, name)), "test", scope=Scope.everything()
        )
    assert sorted(p.pseudonym for p in list_people(sqlite_db, scope=Scope.everything())) == [
        "Vrabac",
        "Цапля",
    ]


def test_their_column_names_can_be_mapped(sqlite_db: Database, tmp_path: Path) -> None:
    text = "Client code,What happened,When,Where\nK-17,entry_ban,2024-01-05,RS\n"
    rows = parse_file(
        _write(tmp_path, text),
        mapping={
            "Client code": "person",
            "What happened": "event_type",
            "When": "date",
            "Where": "country",
        },
    )
    assert import_csv_rows(sqlite_db, rows, "test", scope=Scope.everything()).events == 1


def test_dry_run_reports_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    before = snapshot(db)
    summary = import_csv_rows(
        db, parse_file(_write(tmp_path, CANONICAL)), "test", dry_run=True, scope=Scope.everything()
    )
    assert summary.events == 3 and summary.dry_run
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("header", "bad_row", "expected"),
    [
        (
            "person,country,event_type",
            "Heron,RS,abduction",
            "row 3, column event_type: unknown value 'abduction'",
        ),
        (
            "person,country,event_type,date",
            "Heron,RS,entry_ban,2024-02-30",
            "row 3, column date: impossible date '2024-02-30'",
        ),
        (
            "person,country,event_type,served_on",
            "Heron,RS,entry_ban,31.13.2024",
            "row 3, column served_on",
        ),
        ("person,country,event_type", "Heron,Atlantis,entry_ban", "row 3, column country"),
        (
            "person,country,event_type,deadline_days",
            "Heron,RS,expulsion_order,thirty",
            "row 3, column deadline_days",
        ),
        ("person,country,event_type", "Heron,RS,entry_ban,extra", "row 3: more cells than headers"),
        ("person,country,event_type", '"Heron,RS,entry_ban', "malformed CSV"),
    ],
)
def test_a_bad_row_gives_one_line_naming_file_row_and_field_and_nothing_is_written(
    db: Database, tmp_path: Path, header: str, bad_row: str, expected: str
) -> None:
    before = snapshot(db)
    good_row = ",".join(["Lark", "RS", "entry_ban", "", ""][: header.count(",") + 1])
    path = _write(tmp_path, f"{header}\n{good_row}\n{bad_row}\n")
    with pytest.raises(ImportError_) as error:
        import_csv_rows(db, parse_file(path), "test", scope=Scope.everything())
    message = str(error.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("person,country,date\nHeron,RS,2024-01-01\n", "missing required column event_type"),
        ("", "the file is empty"),
    ],
)
def test_files_without_the_required_columns_are_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ImportError_, match=expected):
        parse_file(_write(tmp_path, text))


def test_a_file_in_the_wrong_encoding_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = _write(tmp_path, "Псевдоним,Страна,Тип события\nЦапля,RS,entry_ban\n", encoding="cp1251")
    with pytest.raises(ImportError_, match=r"not valid utf-8 text.*--encoding cp1251"):
        parse_file(path)
    assert parse_file(path, encoding="cp1251")[0].person == "Цапля"


def test_binary_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ImportError_, match="binary file"):
        parse_file(path)


def test_doubled_quotes_inside_a_quoted_cell_are_read_as_one_quote(
    db: Database, tmp_path: Path
) -> None:
    text = (
        "person,full_name,country,event_type,notes\n"
        'Heron,"Ann ""Nick"" Smith",RS,entry_ban,"said ""no"", then left"\n'
    )
    import_csv_rows(db, parse_file(_write(tmp_path, text)), "test", scope=Scope.everything())
    (person_id,) = find_people_by_name(db, "Smith", scope=Scope.everything())
    person = get_person(db, person_id, actor="test", with_identity=True, scope=Scope.everything())
    assert person.identity.full_name == 'Ann "Nick" Smith'
    (case,) = list_cases(db, scope=Scope.everything())
    (event,) = list_events(
        db, case.id or "", with_notes=True, actor="test", scope=Scope.everything()
    )
    assert event.notes == 'said "no", then left'


def test_semicolon_and_tab_separated_files_are_still_recognised(
    sqlite_db: Database, tmp_path: Path
) -> None:
    for name, sep in (("semi.csv", ";"), ("tab.csv", "\t")):
        text = sep.join(("person", "country", "event_type", "notes")) + "\n"
        text += sep.join((f"P-{name}", "RS", "entry_ban", '"a; b\tc, ""d"""')) + "\n"
        (row,) = parse_file(_write(tmp_path, text, name))
        assert row.event.notes == 'a; b\tc, "d"'


def test_an_import_moves_the_change_counter(db: Database, tmp_path: Path) -> None:
    before = db.changes()
    import_csv_rows(db, parse_file(_write(tmp_path, CANONICAL)), "test", scope=Scope.everything())
    assert db.changes() == before + 1


def test_a_dry_run_leaves_the_change_counter_and_the_audit_trail_alone(
    db: Database, tmp_path: Path
) -> None:
    before, trail = db.changes(), snapshot(db)["audit_log"]
    import_csv_rows(
        db, parse_file(_write(tmp_path, CANONICAL)), "test", dry_run=True, scope=Scope.everything()
    )
    assert db.changes() == before
    assert snapshot(db)["audit_log"] == trail
