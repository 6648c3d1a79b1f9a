"""An Excel workbook's first sheet is read as the text a person sees in its cells."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from havenwatch.cases.spreadsheets import SpreadsheetError, read_xlsx
from tests.cases.sheet_samples import xlsx_of


@pytest.mark.parametrize("inline", [False, True])
def test_cells_read_as_shown_strings_numbers_dates_booleans_and_gaps(inline: bool) -> None:
    data = xlsx_of(
        [
            ["Pseudonim", "Datum", "Rok", "Iznos", "Aktivno"],
            ["Vrabac", date(2025, 3, 3), 30, 2.5, True],
            [None, None, None, None, None],
            ["Šljuka", None, None, None, False],
        ],
        inline_strings=inline,
    )
    assert read_xlsx(data, "spisak.xlsx") == [
        ["Pseudonim", "Datum", "Rok", "Iznos", "Aktivno"],
        ["Vrabac", "2025-03-03", "30", "2.5", "TRUE"],
        ["", "", "", "", ""],
        ["Šljuka", "", "", "", "FALSE"],
    ]


def test_a_file_that_is_no_workbook_is_one_line_naming_the_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    for data in (buffer.getvalue(), b"PK\x03\x04 broken"):
        with pytest.raises(SpreadsheetError) as raised:
            read_xlsx(data, "spisak.xlsx")
        assert raised.value.key == "import.xlsx_unreadable"
        assert str(raised.value).startswith("spisak.xlsx: ") and "\n" not in str(raised.value)


def test_a_sheet_wider_than_the_limit_is_refused() -> None:
    with pytest.raises(SpreadsheetError) as raised:
        read_xlsx(xlsx_of([["x"] * 201]), "wide.xlsx")
    assert raised.value.key == "import.xlsx_too_large"


def test_entities_are_not_expanded() -> None:
    bomb = xlsx_of([["Pseudonim"], ["&lol;"]], inline_strings=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bomb)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                content = b'<!DOCTYPE w [<!ENTITY lol "LOLLOLLOL">]>' + content.replace(
                    b"&amp;lol;", b"&lol;"
                )
            target.writestr(item, content)
    rows = read_xlsx(buffer.getvalue(), "bomb.xlsx")
    assert "LOLLOLLOL" not in str(rows)
