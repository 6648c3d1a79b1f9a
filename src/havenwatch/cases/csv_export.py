"""The CSV export: one row per event, safe to open, importable again.

Without a locale the headers are the import's canonical field names and values are codes;
with one (`en`, `ru`, `sr_Latn`, `sr_Cyrl`) headers, event types, authorities, grounds and
countries are written as the interface writes them in that language, and days in its one date
format (`data/date_formats.json`). The import reads every variant back to the same records.

The file holds identities in clear (keep it as safe as the database). Every cell goes
through `csv_cells.SafeWriter`, so text that a spreadsheet would run as a formula is written
with a leading single quote, which the CSV import removes again.
"""

from __future__ import annotations

import io
from typing import Any

from havenwatch.cases.csv_import import CANONICAL_COLUMNS
from havenwatch.core.csv_cells import SafeDictWriter
from havenwatch.core.dates import format_fuzzy, parse_fuzzy
from havenwatch.core.value_labels import column_label, label_for

LABELLED = {"event_type": "event_type", "authority": "authority", "grounds": "grounds"}
LABELLED |= {"country": "country", "nationality": "country"}


def _localised(row: dict[str, Any], locale: str) -> dict[str, Any]:
    """A row of codes as the interface writes it in `locale`, under its translated headers."""
    written = dict(row)
    for column, kind in LABELLED.items():
        if written[column]:
            written[column] = label_for(kind, written[column], locale)
    for column in ("date", "served_on"):
        if written[column]:
            written[column] = format_fuzzy(parse_fuzzy(written[column]), locale)
    return {column_label(column, locale): value for column, value in written.items()}


def events_csv(document: dict[str, Any], locale: str | None = None) -> str:
    """One row per event of an `export_document`, so the CSV can be imported back."""
    people = {p["id"]: p for p in document["people"]}
    cases = {c["id"]: c for c in document["cases"]}
    sources = {s["id"]: s for s in document["sources"]}
    buffer = io.StringIO()
    columns = [column_label(c, locale) for c in CANONICAL_COLUMNS] if locale else CANONICAL_COLUMNS
    writer = SafeDictWriter(buffer, columns)
    writer.writeheader()
    for event in document["events"]:
        case = cases[event["case_id"]]
        person = people[case["person_id"]]
        source_urls = [sources[s]["url"] for s in event["source_ids"] if sources[s].get("url")]
        row = {
            "person": person["pseudonym"],
            "full_name": person["identity"]["full_name"] or "",
            "nationality": person["nationality"] or "",
            "country": case["country"],
            "event_type": event["type"],
            "date": event["date"] or "",
            "served_on": event["served_on"] or "",
            "authority": event["authority"] or "",
            "grounds": event["grounds"] or "",
            "deadline_days": "" if event["deadline_days"] is None else event["deadline_days"],
            "notes": event["notes"] or "",
            "source_url": source_urls[0] if source_urls else "",
        }
        writer.writerow(_localised(row, locale) if locale else row)
    return buffer.getvalue()
