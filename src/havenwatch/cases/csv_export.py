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
from havenwatch.core.custom_fields import RECORDS, FieldDefinition, Option
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


def _custom_columns(document: dict[str, Any], locale: str | None) -> dict[tuple[str, str], str]:
    """(record, key) -> the column's header and a definition naming it, for every field a
    team defined: headed by its label in `locale` (by its key without one)."""
    entries = sorted(
        document.get("custom_fields") or [],
        key=lambda e: (RECORDS.index(e["applies_to"]), e["position"], e["key"], e["id"]),
    )
    columns: dict[tuple[str, str], str] = {}
    taken = {column_label(c, locale) for c in CANONICAL_COLUMNS} if locale else set()
    for entry in entries:
        definition = _definition(entry)
        if (entry["applies_to"], entry["key"]) in columns:
            continue
        header = definition.label(locale) if locale else definition.key
        if header in taken:
            header = f"{header} ({definition.key})"
        taken.add(header)
        columns[(entry["applies_to"], entry["key"])] = header
    return columns


def _definition(entry: dict[str, Any]) -> FieldDefinition:
    options = tuple(Option(o["value"], o["labels"]) for o in entry["options"])
    return FieldDefinition(
        entry["key"], entry["applies_to"], entry["kind"], entry["labels"], options
    )


def _custom_cells(
    document: dict[str, Any], locale: str | None
) -> tuple[dict[tuple[str, str], str], dict[str, dict[str, str]]]:
    """The custom columns, and each record's cells under them (by record id)."""
    columns = _custom_columns(document, locale)
    fields = {entry["id"]: entry for entry in document.get("custom_fields") or []}
    cells: dict[str, dict[str, str]] = {}
    for item in document.get("custom_values") or []:
        entry = fields[item["field_id"]]
        header = columns[(entry["applies_to"], entry["key"])]
        written = _definition(entry).written(item["value"], locale)
        cells.setdefault(item["record_id"], {})[header] = written
    return columns, cells


def events_csv(document: dict[str, Any], locale: str | None = None) -> str:
    """One row per event of an `export_document`, so the CSV can be imported back; the
    fields teams defined follow, one column each (the person's, the case's, the event's)."""
    people = {p["id"]: p for p in document["people"]}
    cases = {c["id"]: c for c in document["cases"]}
    sources = {s["id"]: s for s in document["sources"]}
    buffer = io.StringIO()
    columns = [column_label(c, locale) for c in CANONICAL_COLUMNS] if locale else CANONICAL_COLUMNS
    custom, cells = _custom_cells(document, locale)
    columns = [*columns, *custom.values()]
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
        written = _localised(row, locale) if locale else dict(row)
        for record_id in (person["id"], case["id"], event["id"]):
            written.update(cells.get(record_id, {}))
        writer.writerow(written)
    return buffer.getvalue()
