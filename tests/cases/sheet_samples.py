"""Excel workbooks made here as Excel writes them (shared strings, styles, a date format), so
the importer is tested on the real format without openpyxl."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = date(1899, 12, 30)
Cell = str | int | float | bool | date | None


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(reference: str, value: Cell, strings: list[str], inline: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{reference}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if inline:
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    strings.append(value)
    return f'<c r="{reference}" t="s"><v>{len(strings) - 1}</v></c>'


def xlsx_of(rows: list[list[Cell]], *, inline_strings: bool = False) -> bytes:
    """A workbook whose first sheet holds `rows` (dates formatted as dates, None: no cell)."""
    strings: list[str] = []
    sheet_rows = "".join(
        f'<row r="{line}">'
        + "".join(
            _cell(f"{_column(index)}{line}", value, strings, inline_strings)
            for index, value in enumerate(row)
        )
        + "</row>"
        for line, row in enumerate(rows, start=1)
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE_RELS}"/>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Hidden first?" sheetId="2" r:id="rId2"/>'
        '<sheet name="Other" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE_RELS}">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>',
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}'
        "</sheetData></worksheet>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{shared}</sst>',
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
        '<numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()
