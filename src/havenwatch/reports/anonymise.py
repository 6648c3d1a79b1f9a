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

*Generalisation* (the "generalised" scheme, what `release publish` uses): a caseload of a few
dozen people has no month, nationality and country cell of k people, so each event type is
published at one level of a ladder (`generalisation.json`: month, year or the whole record;
each nationality, rare ones grouped as OTHER, or totals only; each host country, its region, or
totals only): the finest level at which each slice is published whole or withheld whole (fewer
than k people in it) and the published slices count most of the events (`coverage`). One
level per event type, so a year can never be played against its months. The publisher is told
how many more people each withheld entry would need (`Shortfall`); the release never says.

*Grounds*: each published slice of a measure (a decision event type) also gets a breakdown
of its people by the grounds given for the measure (`grounds_tables`, `protect_grounds`), at
the same period as the slice and over every nationality and host country, so it is never
crossed with another cut of the same people. Its rows are entries like any other (primary and
secondary suppression, nested in k); the slice's total counts as known (the main table
publishes it), so no withheld grounds row relies on it being hidden. A slice withheld whole
withholds its grounds too.

Periods are calendar months. An event whose date is less precise than a month is not guessed
into one: it is counted in a slice of its own for the year ("2024", month unknown) or, when
not even the year is known, in the "unknown" period. Slices are never added up across periods
or event types, so these coarser slices are separate facts, not totals of the months.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import groupby

from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.release import AnonymisedRelease, PublishedCount, Shortfall
from havenwatch.reports.suppression import (
    MIN_K,
    TOTAL,
    CountTable,
    Position,
    check_k,
    primary,
    suppress,
)

UNKNOWN = "unknown"
WHOLE_RECORD = "all"
OTHER = "OTHER"
OTHER_REGION = "OTHER_REGION"
ONLY_TOTALS = "*"  # the lone row or column of a dimension published as totals only
SCHEMES = ("generalised", "monthly")


@dataclass(frozen=True)
class EventRecord:
    """One event as the statistics see it; `person_key` only tells people apart."""

    person_key: str
    nationality: str | None
    host_country: str
    event_type: str
    earliest: date | None
    latest: date | None
    grounds: str | None = None


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


@dataclass(frozen=True)
class Level:
    """How finely one event type is published: period, nationality and host country."""

    time: str
    nationality: str
    host: str

    @property
    def name(self) -> str:
        return f"{self.time}/{self.nationality}/{self.host}"


MONTHLY = Level("month", "code", "country")


@cache
def _settings() -> dict[str, object]:
    text = resources.files("havenwatch.reports").joinpath("generalisation.json").read_text()
    return dict(json.loads(text))


def ladder() -> tuple[Level, ...]:
    """The levels tried, finest first (from `generalisation.json`)."""
    steps = _settings()["ladder"]
    assert isinstance(steps, list)
    return tuple(Level(*step) for step in steps)


@cache
def regions() -> dict[str, str]:
    """Host country code -> region code."""
    table = _settings()["regions"]
    assert isinstance(table, dict)
    return {
        country: region
        for region, countries in table.items()
        if not region.startswith("_")
        for country in countries
    }


def region_members() -> dict[str, list[str]]:
    """Region code -> its host countries, in the data file's order."""
    members: dict[str, list[str]] = defaultdict(list)
    for country, region in regions().items():
        members[region].append(country)
    return dict(members)


def period_at(earliest: date | None, latest: date | None, time: str) -> tuple[str, str]:
    """The period label and precision of an event at a level's time granularity."""
    if time == "month":
        return period_of(earliest, latest)
    if time == "year":
        if earliest is not None and latest is not None and earliest.year == latest.year:
            return f"{earliest.year:04d}", "year"
        return UNKNOWN, UNKNOWN
    return WHOLE_RECORD, WHOLE_RECORD


@dataclass(frozen=True)
class Prepared:
    """An event type's records with every period and place worked out once, for all levels."""

    event_type: str
    rows: tuple[tuple[str, str, str, str, tuple[str, str], tuple[str, str], str], ...]

    @classmethod
    def of(cls, event_type: str, records: Iterable[EventRecord]) -> Prepared:
        places = regions()
        # Events share a few thousand date bounds: each pair's periods are worked out once.
        Periods = tuple[tuple[str, str], tuple[str, str]]
        periods: dict[tuple[date | None, date | None], Periods] = {}

        def periods_of(earliest: date | None, latest: date | None) -> Periods:
            found = periods.get((earliest, latest))
            if found is None:
                found = (period_of(earliest, latest), period_at(earliest, latest, "year"))
                periods[earliest, latest] = found
            return found

        return cls(
            event_type,
            tuple(
                (
                    r.person_key,
                    r.nationality or UNKNOWN,
                    r.host_country,
                    places.get(r.host_country, OTHER_REGION),
                    *periods_of(r.earliest, r.latest),
                    r.grounds or UNKNOWN,
                )
                for r in records
            ),
        )


def _common(prepared: Prepared, k: int) -> frozenset[str]:
    """Nationalities with at least k people among the records (the others become OTHER)."""
    people: dict[str, set[str]] = defaultdict(set)
    for person, nationality, *_rest in prepared.rows:
        people[nationality].add(person)
    return frozenset(code for code, who in people.items() if len(who) >= k)


def tables_at(prepared: Prepared, level: Level, k: int) -> dict[SliceKey, CountTable]:
    """Distinct people per nationality x host country, in each slice, at `level`."""
    common = _common(prepared, k) if level.nationality == "other" else frozenset()
    by_time = _period_index(level)
    whole = (WHOLE_RECORD, WHOLE_RECORD)
    people: dict[tuple[str, str], dict[Position, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in prepared.rows:
        person, nationality, country, region = row[0], row[1], row[2], row[3]
        period = whole if by_time is None else row[by_time]
        if level.nationality == "none":
            nationality = ONLY_TOTALS
        elif level.nationality == "other" and nationality not in common:
            nationality = OTHER
        place = {"country": country, "region": region}.get(level.host, ONLY_TOTALS)
        people[period][nationality, place].add(person)  # type: ignore[index]
    return {
        SliceKey(prepared.event_type, *period): CountTable(
            {cell: len(who) for cell, who in cells.items()}
        )
        for period, cells in people.items()
    }


def _period_index(level: Level) -> int | None:
    return {"month": 4, "year": 5}.get(level.time)


def grounds_tables(prepared: Prepared, level: Level) -> dict[SliceKey, CountTable]:
    """Distinct people per grounds in each slice at `level`'s period, over every nationality and
    host country (a lone ONLY_TOTALS column: never crossed with the slice's other dimensions)."""
    by_time = _period_index(level)
    whole = (WHOLE_RECORD, WHOLE_RECORD)
    people: dict[tuple[str, str], dict[Position, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in prepared.rows:
        period = whole if by_time is None else row[by_time]
        people[period][row[6], ONLY_TOTALS].add(row[0])  # type: ignore[index]
    return {
        SliceKey(prepared.event_type, *period): CountTable(
            {cell: len(who) for cell, who in cells.items()}
        )
        for period, cells in people.items()
    }


def slice_tables(records: Iterable[EventRecord]) -> dict[SliceKey, CountTable]:
    """Distinct people per nationality x host country, in each monthly slice."""
    tables: dict[SliceKey, CountTable] = {}
    ordered = sorted(records, key=lambda record: record.event_type)
    for event_type, group in groupby(ordered, key=lambda record: record.event_type):
        tables |= tables_at(Prepared.of(event_type, group), MONTHLY, MIN_K)
    return tables


def unpublished(table: CountTable) -> frozenset[Position]:
    """The lone row or column of a dimension given as totals only: never shown."""
    return frozenset(p for p in table.grid if ONLY_TOTALS in p)


def clean(table: CountTable, k: int) -> bool:
    """Published whole (no entry under k) or withheld whole (fewer than k people in all)."""
    return not primary(table, k) or table.grid[TOTAL, TOTAL] < k


def coverage(tables: dict[SliceKey, CountTable], k: int) -> float:
    """The share of the people-in-slices counted in slices that are published."""
    total = sum(table.grid[TOTAL, TOTAL] for table in tables.values())
    shown = sum(t.grid[TOTAL, TOTAL] for t in tables.values() if t.grid[TOTAL, TOTAL] >= k)
    return shown / total if total else 0.0


def choose_level(
    records: Prepared, k: int, levels: Sequence[Level]
) -> tuple[Level, dict[SliceKey, CountTable]]:
    """The finest clean level covering enough; else the clean one covering most; else the last.

    One level only, so no slice of it can be subtracted from a slice of another.
    """
    wanted = float(str(_settings().get("coverage", 0.75)))
    best: tuple[float, Level, dict[SliceKey, CountTable]] | None = None
    tables: dict[SliceKey, CountTable] = {}
    for level in levels:
        tables = tables_at(records, level, k)
        if not all(clean(table, k) for table in tables.values()):
            continue
        share = coverage(tables, k)
        if share >= wanted or len(levels) == 1:
            return level, tables
        if best is None or share > best[0] or share == 0.0:  # nothing shown: the coarsest
            best = (share, level, tables)
    if best is not None:
        return best[1], best[2]
    return levels[-1], tables


def _published(
    key: SliceKey, table: CountTable, hidden: frozenset[Position]
) -> list[PublishedCount]:
    return [
        PublishedCount(key.period, key.precision, key.event_type, row, column, value)
        for (row, column), value in sorted(table.grid.items())
        if value > 0 and (row, column) not in hidden and ONLY_TOTALS not in (row, column)
    ]


def _shortfalls(key: SliceKey, table: CountTable, k: int) -> list[Shortfall]:
    """What each entry under k lacks; a slice withheld whole is told by its total alone."""
    total = table.grid[TOTAL, TOTAL]
    if 0 < total < k:
        return [Shortfall(key.event_type, key.period, TOTAL, TOTAL, k - total)]
    return [
        Shortfall(key.event_type, key.period, row, column, k - value)
        for (row, column), value in sorted(table.grid.items())
        if 0 < value < k and ONLY_TOTALS not in (row, column)
    ]


def _grounds_published(
    key: SliceKey, table: CountTable, hidden: frozenset[Position]
) -> list[PublishedCount]:
    return [
        PublishedCount(key.period, key.precision, key.event_type, TOTAL, TOTAL, value, grounds)
        for (grounds, column), value in sorted(table.grid.items())
        if column == TOTAL and grounds != TOTAL and value > 0 and (grounds, column) not in hidden
    ]


def _grounds_shortfalls(key: SliceKey, table: CountTable, k: int) -> list[Shortfall]:
    return [
        Shortfall(key.event_type, key.period, TOTAL, TOTAL, k - value, grounds)
        for (grounds, column), value in sorted(table.grid.items())
        if column == TOTAL and grounds != TOTAL and 0 < value < k
    ]


def protect_grounds(
    key: SliceKey, table: CountTable, slice_total: int, k: int
) -> tuple[list[PublishedCount], list[Shortfall], int]:
    """A slice's grounds breakdown: what is published, what each withheld row lacks, and how
    many rows are withheld.

    A slice withheld whole (fewer than k people) withholds its grounds too, its own shortfall
    saying what is missing. Otherwise each grounds row is an entry like any other (primary and
    secondary suppression, nested in k), with the slice's total counted as known: the main
    table publishes it, so no withheld row may rely on it being hidden. The breakdown's own
    total (people counted once per grounds) is never published.
    """
    if slice_total < k:
        return [], [], 0
    lone = frozenset(p for p in table.grid if p[1] == ONLY_TOTALS)
    hidden = suppress(table, k, lone, known=((TOTAL, TOTAL),))
    withheld = sum(1 for row, _column in hidden if row != TOTAL)
    return _grounds_published(key, table, hidden), _grounds_shortfalls(key, table, k), withheld


def anonymise(records: Iterable[EventRecord], k: int, scheme: str = "monthly") -> AnonymisedRelease:
    """The publishable release for these records at threshold k (at least 5).

    "monthly": every event type at the month, each nationality and host country (the working
    table). "generalised": each event type at the finest clean level of the ladder.
    """
    check_k(k)
    levels = ladder() if scheme == "generalised" else (MONTHLY,)
    ordered = sorted(records, key=lambda record: record.event_type)
    counts: list[PublishedCount] = []
    chosen: list[tuple[str, str]] = []
    shortfalls: list[Shortfall] = []
    hidden_cells = hidden_totals = hidden_grounds = 0
    for event_type, group in groupby(ordered, key=lambda record: record.event_type):
        prepared = Prepared.of(event_type, group)
        level, tables = choose_level(prepared, k, levels)
        chosen.append((event_type, level.name))
        measure = event_type in vocabulary().decision_event_types
        by_grounds = grounds_tables(prepared, level) if measure else {}
        for key, table in sorted(tables.items()):
            hidden = suppress(table, k, unpublished(table))
            shown = [p for p in hidden if ONLY_TOTALS not in p]
            hidden_totals += sum(TOTAL in position for position in shown)
            hidden_cells += sum(TOTAL not in position for position in shown)
            counts += _published(key, table, hidden)
            shortfalls += _shortfalls(key, table, k)
            if not measure or (TOTAL, TOTAL) in hidden:
                continue  # grounds are given for measures; a withheld total is not known
            grounds, missing, withheld = protect_grounds(
                key, by_grounds[key], table.grid[TOTAL, TOTAL], k
            )
            counts += grounds
            shortfalls += missing
            hidden_grounds += withheld
    return AnonymisedRelease(
        k=k,
        counts=tuple(counts),
        suppressed_cells=hidden_cells,
        suppressed_totals=hidden_totals,
        suppressed_grounds=hidden_grounds,
        scheme=scheme,
        levels=tuple(chosen) if scheme == "generalised" else (),
        shortfalls=tuple(sorted(shortfalls, key=lambda s: (s.more_people, s.event_type))),
    )
