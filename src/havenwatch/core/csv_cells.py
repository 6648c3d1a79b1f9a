"""CSV cells that a spreadsheet shows as text, never runs as a formula, and read back exactly.

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)`,
`=cmd|...`), and some also after a leading tab or carriage return. Every CSV havenwatch writes
goes through `SafeWriter`, which prefixes such a cell with a single quote (OWASP's advice): the
spreadsheet shows the text and runs nothing. A cell that already begins with a quote gets one
more, so `restore`, applied by the CSV import, removes exactly the quote `neutralise` added and
every value survives export and import unchanged (see docs/interchange.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_ESCAPED_STARTS = (*FORMULA_STARTS, QUOTE)
_NEEDS_QUOTES = (",", '"', "\r", "\n")


def neutralise(value: object) -> object:
    """The cell as written: text that a spreadsheet could run gets a leading single quote."""
    if isinstance(value, str) and value.startswith(_ESCAPED_STARTS):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """The cell as it was before `neutralise`: one leading quote removed where it added one."""
    if value.startswith(QUOTE) and value[1:].startswith(_ESCAPED_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """Rows of neutralised cells, one per line; the only way havenwatch writes CSV rows.

    Quoting is RFC 4180's, done here rather than by `csv.writer`: with newline line ends that
    leaves a cell holding a lone carriage return unquoted, and the file then reads back as
    another row.
    """

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def writerow(self, row: Sequence[object]) -> None:
        cells = [_quoted(neutralise(cell)) for cell in row]
        self._out.write((",".join(cells) if cells != [""] else '""') + "\n")

    def writerows(self, rows: Iterable[Sequence[object]]) -> None:
        for row in rows:
            self.writerow(row)


def _quoted(value: object) -> str:
    text = "" if value is None else str(value)
    if any(char in text for char in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


class SafeDictWriter:
    """`csv.DictWriter` over `SafeWriter`: the header row, then one row per mapping."""

    def __init__(self, out: IO[str], columns: Sequence[str]) -> None:
        self._columns = tuple(columns)
        self._writer = SafeWriter(out)

    def writeheader(self) -> None:
        self._writer.writerow(self._columns)

    def writerow(self, row: Mapping[str, Any]) -> None:
        unknown = set(row) - set(self._columns)
        if unknown:
            raise ValueError(f"fields not in the header: {', '.join(sorted(unknown))}")
        self._writer.writerow([row.get(column, "") for column in self._columns])
