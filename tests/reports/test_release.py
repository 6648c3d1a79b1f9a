"""The anonymised release's CSV: codes and counts only, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

from havenwatch.reports.release import AnonymisedRelease, PublishedCount


def test_release_csv_cells_that_look_like_formulas_are_written_as_text() -> None:
    count = PublishedCount("2024-05", "month", "=cmd|' /C calc'!A0", "@RU", "-RS", 7)
    release = AnonymisedRelease(k=5, counts=(count,), suppressed_cells=0, suppressed_totals=0)
    lines = [line for line in release.to_csv().splitlines() if not line.startswith("#")]
    header, row = csv.reader(io.StringIO("\n".join(lines)))
    assert header[0] == "period"
    assert row == ["2024-05", "month", "'=cmd|' /C calc'!A0", "'@RU", "'-RS", "7", "ALL"]
