"""Generalising dates, counting people rather than events, and what a release says about itself."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from havenwatch.reports.anonymise import EventRecord, anonymise, period_of
from havenwatch.reports.suppression import SuppressionError


def _crowd(
    size: int, *, event_type: str = "entry_ban", earliest: date | None, latest: date | None
) -> list[EventRecord]:
    return [EventRecord(f"p{n}", "RU", "RS", event_type, earliest, latest) for n in range(size)]


@pytest.mark.parametrize(
    ("earliest", "latest", "expected"),
    [
        (date(2024, 3, 14), date(2024, 3, 14), ("2024-03", "month")),
        (date(2024, 3, 1), date(2024, 3, 31), ("2024-03", "month")),
        (date(2024, 3, 20), date(2024, 4, 5), ("2024", "year")),
        (date(2024, 1, 1), date(2024, 12, 31), ("2024", "year")),
        (date(2023, 11, 1), date(2024, 2, 29), ("unknown", "unknown")),
        (None, date(2024, 10, 19), ("unknown", "unknown")),
        (None, None, ("unknown", "unknown")),
    ],
)
def test_dates_are_generalised_to_the_month_or_kept_at_their_real_precision(
    earliest: date | None, latest: date | None, expected: tuple[str, str]
) -> None:
    assert period_of(earliest, latest) == expected


def test_people_are_counted_once_however_many_events_they_have() -> None:
    day = date(2024, 5, 2)
    records = _crowd(12, earliest=day, latest=day) * 3

    release = anonymise(records, 10)

    cell = next(c for c in release.counts if (c.nationality, c.host_country) == ("RU", "RS"))
    assert cell.people == 12


def test_events_known_only_to_the_year_form_their_own_slice() -> None:
    march = _crowd(10, earliest=date(2024, 3, 2), latest=date(2024, 3, 2))
    sometime = _crowd(10, earliest=date(2024, 1, 1), latest=date(2024, 12, 31))

    release = anonymise(march + sometime, 10)

    periods = {(c.period, c.period_precision) for c in release.counts}
    assert periods == {("2024-03", "month"), ("2024", "year")}


def test_a_release_states_k_and_how_many_entries_were_suppressed() -> None:
    day = date(2024, 5, 2)
    lonely = EventRecord("lonely", "UA", "ME", "entry_ban", day, day)
    records = [*_crowd(30, earliest=day, latest=day), lonely]

    release = anonymise(records, 10)
    document = json.loads(release.to_json())
    lines = release.to_csv().splitlines()

    assert (document["k"], document["suppressed_cells"]) == (10, release.suppressed_cells)
    assert (release.suppressed_cells, release.suppressed_totals) == (1, 3)
    assert document["suppressed_totals"] == release.suppressed_totals
    assert any("less precisely than a month" in note for note in document["notes"])
    assert "# k=10" in lines
    assert f"# suppressed_cells={release.suppressed_cells}" in lines
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in lines if line[0] != "#"))))
    assert {row["people"] for row in rows} <= {str(c.people) for c in release.counts}
    assert all(row["nationality"] != "UA" for row in rows)


def test_anonymise_refuses_k_below_five() -> None:
    with pytest.raises(SuppressionError):
        anonymise([], 4)
