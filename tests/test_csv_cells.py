"""Cells a spreadsheet could run as a formula are written as text, and read back exactly."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havenwatch.core.csv_cells import (
    FORMULA_STARTS,
    SafeDictWriter,
    SafeWriter,
    neutralise,
    restore,
)


@given(st.text())
def test_restore_gives_back_every_neutralised_value(value: str) -> None:
    assert restore(str(neutralise(value))) == value


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), max_size=4))
def test_written_rows_read_back_as_the_same_cells(rows: list[list[str]]) -> None:
    out = io.StringIO()
    SafeWriter(out).writerows(rows)
    read = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert [[restore(cell) for cell in row] for row in read] == rows


@given(st.text(min_size=1))
def test_no_neutralised_cell_begins_like_a_formula(value: str) -> None:
    assert not str(neutralise(value)).startswith(FORMULA_STARTS)


def test_formula_cells_get_a_leading_quote_and_plain_ones_stay_as_they_are() -> None:
    out = io.StringIO()
    SafeWriter(out).writerow(
        ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-1", "\tx",
         "\rx", "'=quoted", "Ann \"Nick\" Smith", 30, "plain"]
    )  # fmt: skip
    (cells,) = csv.reader(io.StringIO(out.getvalue()))
    assert cells == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'=cmd|' /C calc'!A0", "'@SUM(A1)", "'+1", "'-1",
        "'\tx", "'\rx", "''=quoted", "Ann \"Nick\" Smith", "30", "plain",
    ]  # fmt: skip


def test_the_dict_writer_neutralises_cells_and_refuses_unknown_fields() -> None:
    out = io.StringIO()
    writer = SafeDictWriter(out, ("a", "b"))
    writer.writeheader()
    writer.writerow({"a": "=1+1"})
    assert out.getvalue() == "a,b\n'=1+1,\n"
    with pytest.raises(ValueError, match="fields not in the header: c"):
        writer.writerow({"c": "x"})


def test_no_module_writes_csv_around_the_safe_writer() -> None:
    package = Path(__file__).resolve().parents[1] / "src" / "havenwatch"
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bfrom csv import\b")
    found = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "csv_cells.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
