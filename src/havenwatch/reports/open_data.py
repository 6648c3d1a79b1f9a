"""Open data: an anonymised release as files anyone can reuse, with the codebook that reads them.

`write_open_data` writes, into one folder:

- `counts.csv` and `counts.json`: the published counts, each cell with a stable identifier
  (`period:precision:event_type:nationality:host_country`, with `:grounds` appended on the
  rows of the grounds breakdown), so a later release can be joined to an earlier one cell by
  cell;
- `havenwatch-open-data.sqlite` with the tables `counts` and `codebook`, and `metadata.json`
  for Datasette (titles, column descriptions, licence, source), so `datasette
  havenwatch-open-data.sqlite -m metadata.json` serves it as it is;
- `codebook.md`: each event type with its meaning and whether it is a measure of the host state,
  the counting unit, date precision and suppression, generated from the vocabulary files the
  application itself uses.

Nothing identifying is in any of them: the release holds only codes and counts.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from havenwatch.core.csv_cells import SafeWriter
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.anonymise import OTHER, OTHER_REGION, UNKNOWN, region_members
from havenwatch.reports.release import COLUMNS, NOTES, AnonymisedRelease, PublishedCount
from havenwatch.reports.suppression import TOTAL

DATABASE = "havenwatch-open-data.sqlite"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
COLUMN_DESCRIPTIONS = {
    "cell_id": "Stable id of the cell: period:precision:event_type:nationality:host_country, "
    "then :grounds on the rows of the grounds breakdown",
    "period": "Calendar month (YYYY-MM), year (YYYY) or 'unknown'",
    "period_precision": "month, year or unknown: how precisely the events' dates are known",
    "event_type": "What happened (see the codebook table)",
    "nationality": "Nationality of the people counted (ISO 3166 code), or 'TOTAL'",
    "host_country": "The country that took the measure (ISO 3166 code), or 'TOTAL'",
    "people": "Number of people (not events) in the cell; cells under k are suppressed",
    "grounds": "The grounds given for the measure (see the codebook), over every nationality "
    "and host country; 'ALL' on the rows that are not broken down by grounds",
}

GROUNDS_MEANINGS = {
    "national_security": "grounds of national security (a 'security threat' designation)",
    "public_order": "grounds of public order",
    "documents": "grounds about documents (invalid, missing or expired papers)",
    "other": "other grounds given",
}


@dataclass(frozen=True)
class CodebookEntry:
    field: str
    code: str
    meaning: str


def cell_id(count: PublishedCount) -> str:
    """The cell's stable identifier: the same cell has the same id in every release."""
    parts = (count.period, count.period_precision, count.event_type)
    grounds = () if count.grounds == TOTAL else (count.grounds,)
    return ":".join((*parts, count.nationality, count.host_country, *grounds))


def codebook() -> list[CodebookEntry]:
    """What every code in the release means, from the vocabulary the application uses."""
    vocab = vocabulary()
    entries = [
        CodebookEntry(
            "event_type",
            code,
            vocab.event_labels[code]
            + (
                " (a decision or measure of the host state)"
                if code in vocab.decision_event_types
                else " (a step taken by the person or another state)"
            ),
        )
        for code in vocab.event_types
    ]
    entries += [
        CodebookEntry("period_precision", "month", "events dated to a day or a month"),
        CodebookEntry("period_precision", "year", "events known only to the year"),
        CodebookEntry("period_precision", "unknown", "events whose date is not known"),
        CodebookEntry(
            "period_precision", "all", "the whole record: every event of the type, any date"
        ),
        CodebookEntry(
            "nationality", OTHER, "nationalities with fewer than k people of the event type"
        ),
        CodebookEntry("host_country", OTHER_REGION, "a host country outside the regions below"),
        *(
            CodebookEntry("host_country", region, "region: " + ", ".join(countries))
            for region, countries in region_members().items()
        ),
        *(
            CodebookEntry("grounds", code, GROUNDS_MEANINGS.get(code, code))
            for code in vocab.grounds
        ),
        CodebookEntry("grounds", UNKNOWN, "no grounds recorded for the measure"),
        CodebookEntry("people", "unit", "people, not events: one person counts once per cell"),
    ]
    return entries + [CodebookEntry("note", str(n), note) for n, note in enumerate(NOTES, 1)]


def write_open_data(release: AnonymisedRelease, folder: Path, *, title: str) -> list[Path]:
    """Write the release and its codebook into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _write(folder / "counts.csv", _csv(release)),
        _write(folder / "counts.json", _json(release, title)),
        _write(folder / "metadata.json", json.dumps(_metadata(release, title), indent=1)),
        _write(folder / "codebook.md", _codebook_markdown(release, title)),
    ]
    written.append(_sqlite(release, folder / DATABASE))
    return written


def _rows(release: AnonymisedRelease) -> Iterator[tuple[object, ...]]:
    for count in release.counts:
        yield (cell_id(count), *(getattr(count, column) for column in COLUMNS))


def _csv(release: AnonymisedRelease) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(("cell_id", *COLUMNS))
    writer.writerows(_rows(release))
    return out.getvalue()


def _json(release: AnonymisedRelease, title: str) -> str:
    cells = [{"cell_id": cell_id(count), **asdict(count)} for count in release.counts]
    document = {"title": title, "licence": LICENCE, **release.header(), "counts": cells}
    return json.dumps(document, ensure_ascii=False, indent=1)


def _sqlite(release: AnonymisedRelease, path: Path) -> Path:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE counts (cell_id TEXT PRIMARY KEY, period TEXT, period_precision TEXT, "
            "event_type TEXT, nationality TEXT, host_country TEXT, people INTEGER, grounds TEXT)"
        )
        conn.executemany("INSERT INTO counts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _rows(release))
        conn.execute("CREATE TABLE codebook (field TEXT, code TEXT, meaning TEXT)")
        conn.executemany(
            "INSERT INTO codebook VALUES (?, ?, ?)",
            [(entry.field, entry.code, entry.meaning) for entry in codebook()],
        )
    conn.close()
    return path


def _metadata(release: AnonymisedRelease, title: str) -> dict[str, object]:
    """Datasette's metadata: the database, its two tables and every column described."""
    table_name = Path(DATABASE).stem
    return {
        "title": title,
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "source": "havenwatch",
        "description": release.method(),
        "databases": {
            table_name: {
                "tables": {
                    "counts": {
                        "title": "People affected, by period, event type, nationality and "
                        "host country, and by grounds",
                        "description": " ".join(NOTES),
                        "columns": COLUMN_DESCRIPTIONS,
                    },
                    "codebook": {
                        "title": "Codebook",
                        "description": "What each code in the counts table means",
                        "columns": {
                            "field": "The column (or topic) the code belongs to",
                            "code": "The code as it appears in the counts table",
                            "meaning": "What it means",
                        },
                    },
                }
            }
        },
    }


def _codebook_markdown(release: AnonymisedRelease, title: str) -> str:
    lines = [f"# {title}: codebook", "", f"Licence: {LICENCE}. {release.method()}.", ""]
    lines += ["| column | description |", "| --- | --- |"]
    lines += [f"| `{name}` | {text} |" for name, text in COLUMN_DESCRIPTIONS.items()]
    lines += ["", "| field | code | meaning |", "| --- | --- | --- |"]
    lines += [f"| {e.field} | `{e.code}` | {e.meaning} |" for e in codebook()]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
