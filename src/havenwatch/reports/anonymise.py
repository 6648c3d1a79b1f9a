"""Anonymised statistics from case events: generalise, count people, suppress small cells.

Pure logic: it receives plain records and knows nothing of the database (see `public.py`).

What is published is one fixed table, the same for every reader and every request: people
counted per nationality × host country, in slices of event type × period, with each slice's
row totals (per nationality), column totals (per host country) and grand total. There are no
filters, no other groupings and no other period boundaries, because two differently cut
tables over the same people can be subtracted from one another to reveal a hidden cell
(e.g. a quarter minus its two published months). The only choice left to the requester is k,
and suppression is nested in k (see `suppression.py`), so exports at two values of k cannot
be played against each other either.

Periods are calendar months. An event whose date is less precise than a month is not guessed
into one: it is counted in a slice of its own for the year ("2024", month unknown) or, when
not even the year is known, in the "unknown" period. Slices are never added up across periods
or event types, so these coarser slices are separate facts, not totals of the months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from havenwatch.reports.release import AnonymisedRelease, PublishedCount
from havenwatch.reports.suppression import TOTAL, CountTable, check_k, suppress

UNKNOWN = "unknown"


@dataclass(frozen=True)
class EventRecord:
    """One event as the statistics see it; `person_key` only tells people apart."""

    person_key: str
    nationality: str | None
    host_country: str
    event_type: str
    earliest: date | None
    latest: date | None


@dataclass(frozen=True, order=True)
class SliceKey:
    """One published slice: an event type in one period of a given precision."""

    event_type: str
    period: str
    precision: str


def period_of(earliest: date | None, latest: date | None) -> tuple[str, str]:
    """The period label and its precision: the month when known, else the year, else unknown."""
    if earliest is None or latest is None:
        return UNKNOWN, UNKNOWN
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.year:04d}-{earliest.month:02d}", "month"
    if earliest.year == latest.year:
        return f"{earliest.year:04d}", "year"
    return UNKNOWN, UNKNOWN


def slice_tables(records: Iterable[EventRecord]) -> dict[SliceKey, CountTable]:
    """Distinct people per nationality × host country, in each slice."""
    people: dict[SliceKey, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for record in records:
        period, precision = period_of(record.earliest, record.latest)
        key = SliceKey(record.event_type, period, precision)
        cell = (record.nationality or UNKNOWN, record.host_country)
        people[key][cell].add(record.person_key)
    return {
        key: CountTable({cell: len(who) for cell, who in cells.items()})
        for key, cells in people.items()
    }


def _published(
    key: SliceKey, table: CountTable, hidden: frozenset[tuple[str, str]]
) -> list[PublishedCount]:
    return [
        PublishedCount(key.period, key.precision, key.event_type, row, column, value)
        for (row, column), value in sorted(table.grid.items())
        if value > 0 and (row, column) not in hidden
    ]


def anonymise(records: Iterable[EventRecord], k: int) -> AnonymisedRelease:
    """The publishable release for these records at threshold k (at least 5)."""
    check_k(k)
    counts: list[PublishedCount] = []
    hidden_cells = hidden_totals = 0
    for key, table in sorted(slice_tables(records).items()):
        hidden = suppress(table, k)
        hidden_totals += sum(TOTAL in position for position in hidden)
        hidden_cells += sum(TOTAL not in position for position in hidden)
        counts += _published(key, table, hidden)
    return AnonymisedRelease(
        k=k, counts=tuple(counts), suppressed_cells=hidden_cells, suppressed_totals=hidden_totals
    )
