"""The public report: a published release turned into one self-contained document to hand out.

Everything in it comes from a *published* anonymised release (`reports.publication`), never
from the records: the counts, the charts (PNG images embedded as `data:` URIs, since Tor
Browser's safest level blocks SVG), a "what changed" section comparing the period with the one
of equal length before it, the methodology and the codebook. A report can therefore be handed
to anyone who may read the release itself, and two reports of one release agree.

`build_report` selects and compares the published figures; `reports.report_document` writes
them as HTML (and PDF, through WeasyPrint).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from havenwatch.core.errors import ValidationError
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.release import AnonymisedRelease, PublishedCount
from havenwatch.reports.suppression import TOTAL

MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")
# Slices that cover a whole calendar year (events known only to the year, or a yearly slice).
YEARLY = ("year",)
WHOLE_RECORD = "all"
UNKNOWN_GROUNDS = "unknown"


@dataclass(frozen=True)
class ReportRequest:
    """Which months, which host country (None: all) and which language."""

    first: str
    last: str
    country: str | None = None
    locale: str = "en"


@dataclass(frozen=True)
class Change:
    """One event type's published figures summed over this period and over the one before."""

    event_type: str
    now: int
    before: int

    @property
    def difference(self) -> int:
        return self.now - self.before


@dataclass(frozen=True)
class GroundsChange:
    """One grounds code's published figures summed over this period and the one before
    (None: no figure published), whether it is new, and the kinds of measure that keep it from
    being compared (published now, but the previous period's figures withheld whole)."""

    grounds: str
    now: int | None
    before: int | None
    new: bool
    not_comparable: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportData:
    """What the report shows, all of it taken from one published release."""

    request: ReportRequest
    release: AnonymisedRelease
    months: tuple[str, ...]
    previous: tuple[str, ...]
    cells: dict[tuple[str, str], int]
    earlier: dict[tuple[str, str], int]
    whole_record: dict[str, int]
    countries_now: frozenset[str]
    countries_before: frozenset[str]
    changes: tuple[Change, ...] = field(default=())
    grounds: tuple[GroundsChange, ...] = field(default=())

    @property
    def periods(self) -> tuple[str, ...]:
        """The periods that have a published figure, in order (months, then whole years)."""
        return tuple(sorted({period for _, period in self.cells}, key=lambda p: (len(p), p)))

    @property
    def types(self) -> tuple[str, ...]:
        present = {event_type for event_type, _ in self.cells}
        return tuple(code for code in vocabulary().event_types if code in present)

    @property
    def new_types(self) -> tuple[str, ...]:
        before = {event_type for event_type, _ in self.earlier}
        return tuple(code for code in self.types if code not in before)

    @property
    def new_countries(self) -> tuple[str, ...]:
        return tuple(sorted(self.countries_now - self.countries_before))

    @property
    def new_grounds(self) -> tuple[str, ...]:
        return tuple(change.grounds for change in self.grounds if change.new)

    @property
    def grounds_not_comparable(self) -> tuple[GroundsChange, ...]:
        return tuple(change for change in self.grounds if change.not_comparable)


def parse_month(text: str, name: str) -> tuple[int, int]:
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError.of(name, "period.not_a_month", value=text, format="YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def month_range(first: str, last: str) -> tuple[str, ...]:
    """Every month from `first` to `last`, both included."""
    year, month = parse_month(first, "from")
    end = parse_month(last, "to")
    if end < (year, month):
        raise ValidationError.of("to", "period.reversed")
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return tuple(months)


def previous_range(months: tuple[str, ...]) -> tuple[str, ...]:
    """The months of equal number right before `months`."""
    year, month = parse_month(months[0], "from")
    earlier = []
    for _ in months:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        earlier.append(f"{year:04d}-{month:02d}")
    return tuple(reversed(earlier))


def _in(count: PublishedCount, months: tuple[str, ...]) -> bool:
    """Whether the count's period lies inside the months (a whole year counts when all in)."""
    if count.period_precision == "month":
        return count.period in months
    if count.period_precision in YEARLY and count.period.isdigit():
        return f"{count.period}-01" in months and f"{count.period}-12" in months
    return False


def _host(count: PublishedCount, country: str | None) -> bool:
    return count.host_country == (country or TOTAL)


def _main(count: PublishedCount) -> bool:
    """A count of the nationality x host country table (not of the grounds breakdown)."""
    return count.grounds == TOTAL


def _figures(
    counts: Iterable[PublishedCount], months: tuple[str, ...], country: str | None
) -> dict[tuple[str, str], int]:
    """People per (event type, period): the release's totals over every nationality."""
    return {
        (count.event_type, count.period): count.people
        for count in counts
        if _main(count)
        and count.nationality == TOTAL
        and _host(count, country)
        and _in(count, months)
    }


def _countries(counts: Iterable[PublishedCount], months: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        count.host_country
        for count in counts
        if _main(count)
        and count.nationality == TOTAL
        and count.host_country != TOTAL
        and _in(count, months)
    )


def _grounds_figures(
    counts: Iterable[PublishedCount], months: tuple[str, ...]
) -> dict[tuple[str, str, str], int]:
    """People per (grounds, event type, period): the release's grounds rows in the months."""
    return {
        (count.grounds, count.event_type, count.period): count.people
        for count in counts
        if not _main(count) and _in(count, months)
    }


def _slices_published(counts: Iterable[PublishedCount], months: tuple[str, ...]) -> set[str]:
    """Event types with at least one slice published (its total shown) in the months: only
    those slices carry a grounds breakdown, so only there does a missing grounds mean none or
    fewer than k people rather than a period withheld whole."""
    return {
        count.event_type
        for count in counts
        if _main(count)
        and count.nationality == TOTAL
        and count.host_country == TOTAL
        and _in(count, months)
    }


def grounds_changes(
    counts: tuple[PublishedCount, ...], months: tuple[str, ...], previous: tuple[str, ...]
) -> tuple[GroundsChange, ...]:
    """Each grounds code with a published figure in either period, and whether it is new.

    A grounds code is new only when it is published now and, for every kind of measure it is
    published under now, the previous period's slices were published too (so that its absence
    there means none, or fewer than k people) and it had no figure there. When the previous
    period of such a kind of measure was withheld whole, the release cannot tell: the kinds
    are named instead.
    """
    now = _grounds_figures(counts, months)
    before = _grounds_figures(counts, previous)
    compared = _slices_published(counts, previous)
    known = vocabulary().grounds
    codes = {code for code, _, _ in now} | {code for code, _, _ in before}
    ordered = [c for c in known if c in codes] + sorted(codes - set(known))
    changes = []
    for code in ordered:
        now_types = {t for g, t, _ in now if g == code}
        now_sum = sum(n for (g, _, _), n in now.items() if g == code)
        before_sum = sum(n for (g, _, _), n in before.items() if g == code)
        had = any(g == code for g, _, _ in before)
        blind = tuple(t for t in vocabulary().event_types if t in now_types - compared)
        changes.append(
            GroundsChange(
                code,
                now_sum if now_types else None,
                before_sum if had else None,
                new=bool(now_types) and not had and not blind and code != UNKNOWN_GROUNDS,
                not_comparable=() if had else blind,
            )
        )
    return tuple(changes)


def build_report(release: AnonymisedRelease, request: ReportRequest) -> ReportData:
    """The published figures of `release` for the request, and how they changed."""
    months = month_range(request.first, request.last)
    previous = previous_range(months)
    counts = release.counts
    cells = _figures(counts, months, request.country)
    earlier = _figures(counts, previous, request.country)
    whole = {
        count.event_type: count.people
        for count in counts
        if count.period_precision == WHOLE_RECORD
        and _main(count)
        and count.nationality == TOTAL
        and _host(count, request.country)
    }
    now_sum: dict[str, int] = defaultdict(int)
    before_sum: dict[str, int] = defaultdict(int)
    for (event_type, _), people in cells.items():
        now_sum[event_type] += people
    for (event_type, _), people in earlier.items():
        before_sum[event_type] += people
    changes = tuple(
        Change(code, now_sum.get(code, 0), before_sum.get(code, 0))
        for code in vocabulary().event_types
        if code in now_sum or code in before_sum
    )
    return ReportData(
        request=request,
        release=release,
        months=months,
        previous=previous,
        cells=cells,
        earlier=earlier,
        whole_record=whole,
        countries_now=_countries(counts, months),
        countries_before=_countries(counts, previous),
        changes=changes,
        grounds=grounds_changes(counts, months, previous),
    )
