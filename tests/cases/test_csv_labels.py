"""A sheet in the app's own words imports: labels of every interface language, synonyms, codes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from havenwatch.access.scope import Scope
from havenwatch.cases.csv_export import events_csv
from havenwatch.cases.csv_import import ImportError_, import_csv_rows
from havenwatch.cases.interchange import export_document
from havenwatch.cases.sheet_import import parse_file
from havenwatch.core.value_labels import fold_label
from havenwatch.store.database import Database
from tests.helpers import snapshot

LOCALES = ("en", "ru", "sr_Latn", "sr_Cyrl")
RECORDS = (
    "person,full_name,nationality,country,event_type,date,served_on,authority,grounds,"
    "deadline_days,notes,source_url\n"
    "Heron,Oleg Volokhonsky,RU,RS,security_designation,2024-09-10,,security_agency,"
    "national_security,,,\n"
    "Heron,Oleg Volokhonsky,RU,RS,expulsion_order,2024-09-16,2024-09-18,interior_ministry,"
    "national_security,30,told to leave,https://news.example.org/a\n"
    "Lark,,BY,GE,entry_ban,2024-05,,border_police,,,,\n"
    "Wren,Ana Petrović,UA,RS,residence_revoked,../2025-03-03,2025-03-03,court,public_order,8,,\n"
)


def _write(tmp_path: Path, text: str, name: str = "sheet.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(csv_text: str) -> Counter[str]:
    return Counter(csv_text.splitlines()[1:])


@pytest.mark.parametrize("locale", LOCALES)
def test_a_sheet_exported_in_each_language_imports_back_to_the_same_records(
    db: Database, tmp_path: Path, locale: str
) -> None:
    import_csv_rows(db, parse_file(_write(tmp_path, RECORDS)), "test", scope=Scope.everything())
    original = events_csv(export_document(db, "test"))
    localised = events_csv(export_document(db, "test"), locale)
    assert "security_designation" not in localised and "interior_ministry" not in localised
    import_csv_rows(
        db,
        parse_file(_write(tmp_path, localised, "own.csv")),
        "test",
        team="copy",
        scope=Scope.everything(),
    )
    again = events_csv(export_document(db, "test"))
    assert _rows(again) == _rows(original) + _rows(original)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ("Pseudonym", "Interior ministry", "16 Sep 2024", "Serbia", "../2025-03-03")),
        ("ru", ("Псевдоним", "МВД", "16.09.2024", "Сербия", "Вид на жительство аннулирован")),
        ("sr_Latn", ("Pseudonim", "MUP", "16.09.2024.", "Srbija", "Ukinut")),
        ("sr_Cyrl", ("Псеудоним", "МУП", "16.09.2024.", "Србија", "Укинут")),
    ],
)
def test_the_export_writes_each_language_as_the_interface_does(
    sqlite_db: Database, tmp_path: Path, locale: str, expected: tuple[str, ...]
) -> None:
    import_csv_rows(
        sqlite_db, parse_file(_write(tmp_path, RECORDS)), "test", scope=Scope.everything()
    )
    text = events_csv(export_document(sqlite_db, "test"), locale)
    for word in expected:
        assert word in text
    assert "2024-09-16" not in text


@pytest.mark.parametrize(
    ("event_type", "authority", "country", "nationality"),
    [
        ("Zabrana ulaska", "MUP", "Srbija", "Rusija"),
        ("ODBIJEN ULAZAK ILI ZABRANA ULASKA", "BIA", "Serbia", "Russia"),
        (
            "odbijen ulazak ili zabrana ulaska",
            "Министарство унутрашњих послова",
            "Сербия",
            "Россия",
        ),
        ("Одбијен улазак или забрана уласка", "МВД", "Србија", "Русија"),
        ("Отказ во въезде или запрет въезда", "Interior Ministry", "rs", "ru"),
        ("entry_ban", "interior ministry", "RS", "RU"),
        ("  Entry   refused or banned. ", "Ministarstvo unutrasnjih poslova", "srbija", "RUSIJA"),
    ],
)
def test_values_are_read_in_any_language_script_case_or_diacritics(
    sqlite_db: Database,
    tmp_path: Path,
    event_type: str,
    authority: str,
    country: str,
    nationality: str,
) -> None:
    text = (
        "Pseudonim,Državljanstvo,Zemlja boravka,Vrsta događaja,Organ\n"
        f'Vrabac,{nationality},{country},"{event_type}","{authority}"\n'
    )
    [row] = parse_file(_write(tmp_path, text))
    assert (row.country, row.nationality) == ("RS", "RU")
    assert row.event.type == "entry_ban"
    assert row.event.authority in {"interior_ministry", "security_agency"}


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("abduction", "Vrsta događaja"),
        ("Odbijen ulazak", "Vrsta događaja"),
        ('=HYPERLINK("http://x")', "Vrsta događaja"),
        ("<script>alert(1)</script>", "Vrsta događaja"),
        ("MUP; DROP TABLE cases", "Organ"),
        ("Atlantida", "Zemlja boravka"),
        ("X" * 5000, "Organ"),
    ],
)
def test_an_unknown_value_names_file_row_column_and_accepted_values_and_stores_nothing(
    db: Database, tmp_path: Path, cell: str, column: str
) -> None:
    cells = {"Vrsta događaja": "Zabrana ulaska", "Organ": "MUP", "Zemlja boravka": "RS"}
    good = ",".join(f'"{value}"' for value in cells.values())
    cells[column] = cell.replace('"', '""')
    bad = ",".join(f'"{value}"' for value in cells.values())
    text = f"Pseudonim,{','.join(cells)}\nVrabac,{good}\nLasta,{bad}\n"
    before = snapshot(db)
    with pytest.raises(ImportError_) as raised:
        import_csv_rows(
            db,
            parse_file(_write(tmp_path, text), name="nasa-tabela.csv"),
            "test",
            scope=Scope.everything(),
        )
    message = str(raised.value)
    assert message.startswith(f"nasa-tabela.csv, row 3, column {column}: ") and "\n" not in message
    if column == "Zemlja boravka":
        assert "two-letter code such as RS" in message
    else:
        assert "choose from" in message
    assert raised.value.key == "import.row_field"
    assert snapshot(db) == before


def test_folding_ignores_case_diacritics_punctuation_and_spacing() -> None:
    assert fold_label("  Državljanstvo!! ") == fold_label("drzavljanstvo")
    assert fold_label("Đorđe") == "djordje"
    assert fold_label("МУП-а") == fold_label("муп а")
