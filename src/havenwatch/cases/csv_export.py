"""The CSV export: one row per event in the import's canonical headers, safe to open.

The file holds identities in clear (keep it as safe as the database). Every cell goes
through `csv_cells.SafeWriter`, so text that a spreadsheet would run as a formula is written
with a leading single quote, which the CSV import removes again.
"""

from __future__ import annotations

import io
from typing import Any

from havenwatch.cases.csv_import import CANONICAL_COLUMNS
from havenwatch.core.csv_cells import SafeDictWriter


def events_csv(document: dict[str, Any]) -> str:
    """One row per event of an `export_document`, so the CSV can be imported back."""
    people = {p["id"]: p for p in document["people"]}
    cases = {c["id"]: c for c in document["cases"]}
    sources = {s["id"]: s for s in document["sources"]}
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, CANONICAL_COLUMNS)
    writer.writeheader()
    for event in document["events"]:
        case = cases[event["case_id"]]
        person = people[case["person_id"]]
        source_urls = [sources[s]["url"] for s in event["source_ids"] if sources[s].get("url")]
        writer.writerow(
            {
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
        )
    return buffer.getvalue()
