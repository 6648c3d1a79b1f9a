"""Reading the first sheet of an Excel workbook (XLSX) as rows of text, with no new dependency.

An XLSX file is a ZIP archive of XML parts; openpyxl is not a dependency of havenwatch, so the
few parts an import needs are read here: the workbook (which sheet is first, and whether
dates count from 1904), the shared strings, the cell styles (which number formats are
dates) and the first worksheet. A cell becomes the text a person sees: shared and inline
strings as written, whole numbers without ".0", dates as ISO days (2025-03-03), booleans as
TRUE/FALSE, formulas by their cached value. Hidden sheets, other sheets, charts and macros are
never read.

The XML is parsed without entities, DTDs or network access; an archive that expands beyond
`MAX_EXPANDED_BYTES`, or a sheet beyond `MAX_ROWS` rows or `MAX_COLUMNS` columns, is refused
with a one-line error naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

from lxml import etree

from havenwatch.core.errors import HavenwatchError, explained

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Excel's built-in number formats that show a date.
DATE_FORMATS = frozenset({14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57})
DATE_CODE = re.compile(r"[dmy]")
QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})(\d+)$")
EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)


class SpreadsheetError(HavenwatchError):
    """A workbook that cannot be read; the message names the file."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def read_xlsx(data: bytes, file: str) -> list[list[str]]:
    """The first sheet's rows, each a list of cell texts (missing cells as empty strings)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_EXPANDED_BYTES:
                raise explained(SpreadsheetError, "import.xlsx_too_large", file=file)
            return _Workbook(archive).first_sheet(file)
    except (zipfile.BadZipFile, KeyError, etree.LxmlError, ValueError, OSError):
        raise explained(SpreadsheetError, "import.xlsx_unreadable", file=file) from None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.workbook = self._xml("xl/workbook.xml")
        properties = self.workbook.find(f"{MAIN}workbookPr")
        is_1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = EPOCH_1904 if is_1904 else EPOCH_1900
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def _xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.archive.read(name), _parser())

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.names:
            return []
        root = self._xml("xl/sharedStrings.xml")
        return ["".join(item.itertext()) for item in root.iter(f"{MAIN}si")]

    def _date_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format shows a date."""
        if "xl/styles.xml" not in self.names:
            return set()
        root = self._xml("xl/styles.xml")
        custom = {
            int(fmt.get("numFmtId", "0"))
            for fmt in root.iter(f"{MAIN}numFmt")
            if DATE_CODE.search(QUOTED_OR_BRACKETED.sub("", fmt.get("formatCode", "").lower()))
        }
        cell_formats = root.find(f"{MAIN}cellXfs")
        if cell_formats is None:
            return set()
        return {
            index
            for index, style in enumerate(cell_formats.iter(f"{MAIN}xf"))
            if int(style.get("numFmtId", "0")) in DATE_FORMATS | custom
        }

    def _first_sheet_name(self) -> str:
        sheet = next(self.workbook.iter(f"{MAIN}sheet"))
        relation = sheet.get(OFFICE_RELATIONSHIP)
        links = self._xml("xl/_rels/workbook.xml.rels")
        for link in links.iter(f"{RELATIONSHIPS}Relationship"):
            if link.get("Id") == relation:
                target = link.get("Target", "").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
        raise KeyError(relation)

    def first_sheet(self, file: str) -> list[list[str]]:
        rows: dict[int, dict[int, str]] = {}
        for row in self._xml(self._first_sheet_name()).iter(f"{MAIN}row"):
            for cell in row.iter(f"{MAIN}c"):
                line, column = _position(cell.get("r", ""), row, rows)
                if line > MAX_ROWS or column >= MAX_COLUMNS:
                    raise explained(SpreadsheetError, "import.xlsx_too_large", file=file)
                text = self._cell_text(cell)
                if text:
                    rows.setdefault(line, {})[column] = text
        if not rows:
            return []
        width = max(max(cells) for cells in rows.values()) + 1
        return [
            [rows.get(line, {}).get(column, "") for column in range(width)]
            for line in range(1, max(rows) + 1)
        ]

    def _cell_text(self, cell: etree._Element) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{MAIN}is")
            return "" if inline is None else "".join(inline.itertext())
        value = cell.findtext(f"{MAIN}v") or ""
        if not value:
            return ""
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return "TRUE" if value == "1" else "FALSE"
        if kind in ("str", "e"):
            return value
        return self._number(value, int(cell.get("s", "0")))

    def _number(self, value: str, style: int) -> str:
        number = float(value)
        if style in self.date_styles:
            return (self.epoch + timedelta(days=int(number))).isoformat()
        return str(int(number)) if number.is_integer() else value


def _position(
    reference: str, row: etree._Element, rows: dict[int, dict[int, str]]
) -> tuple[int, int]:
    """The 1-based line and 0-based column of a cell (from its reference, or its place)."""
    match = CELL_REFERENCE.match(reference)
    if match is None:
        line = int(row.get("r") or (max(rows, default=0) + 1))
        return line, len(rows.get(line, {}))
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(digits), column - 1
