"""Date expressions, resolved against the publication date where they are relative.

Finds "5 March 2024", "March 5", "5. marta 2024.", "5 марта", "05.03.2024", "in March",
"в 2023 году", weekdays ("on Tuesday", "во вторник", "u utorak"), weekdays of the week
before ("last Thursday", "в прошлый четверг", "prošlog četvrtka": never the day of the
report itself) and relative words ("yesterday", "last month", "позавчера": the day two days
back, "pre dve nedelje": the month of the day two weeks back; a distance counted in weeks is
too vague for a day), and days counted from the date stated before ("the next day",
"в тот же день", "sutradan"). A day and month without a year take the publication year, one
year earlier when that would put them after publication ("December 7" in a January
article). Without a publication date, anything that needs one resolves to nothing. A date
right after a reporting verb ("said on Wednesday") dates the report, not an event.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from havenwatch.monitor.extract.lexicon import Lexicon
from havenwatch.monitor.extract.model import Analysis, Span
from havenwatch.monitor.extract.registry import Resources, component

DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|-?го|-?ого)?")
YEAR = re.compile(r"(19[5-9]\d|20\d\d)")
NUMERIC_DATE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\.?|((?:19|20)\d\d)-(\d{2})-(\d{2})"
)
SKIPPABLE = frozenset({".", ",", "of", "the"})
YEAR_LOOKAHEAD = 3
WEEKDAY_NEAR_DATE = 4
REPORTING_REACH = 3
ANCHOR_REACH = 3
DAYS_AFTER = "days_after:"

FUTURE = frozenset({"tomorrow", "next_week", "next_month", "next_year"})
FUTURE_DATE = "future_date"


@component("dates")
def find_dates(analysis: Analysis, resources: Resources) -> None:
    """Add `date` spans whose value is an ISO date string (or None when unresolvable)."""
    lexicon = resources.lexicon(analysis.language)
    spans = _month_dates(analysis, lexicon) + _numeric_dates(analysis)
    taken = {index for span in spans for index in range(span.first, span.last)}
    spans += _years(analysis, lexicon, taken)
    spans += _last_weekdays(analysis, lexicon)
    spans += _weekdays(analysis, lexicon, spans)
    relative, after = _relative(analysis, lexicon)
    spans += relative
    spans += _days_after(analysis, after, spans)
    reporting = lexicon.words("calendar.reporting_verbs")
    analysis.spans["date"] = sorted(
        (span for span in spans if not _of_reporting(analysis, span, reporting)),
        key=lambda span: span.first,
    )


def _of_reporting(analysis: Analysis, span: Span, reporting: frozenset[str]) -> bool:
    """ "their lawyer said on Wednesday", "rekao je u utorak": the date of the report, not
    of an event."""
    first = max(span.first - REPORTING_REACH, analysis.sentences[span.sentence].first)
    return any(token.norm in reporting for token in analysis.tokens[first : span.first])


def _month_dates(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    spans = []
    for match in analysis.matches(lexicon.patterns("calendar.months")):
        month_span = analysis.span_of(match)
        month = int(match.label)
        day, first = _day_before(analysis, month_span.first)
        last = month_span.last
        if day is None:
            day, last = _day_after(analysis, month_span.last)
        year, last = _year_after(analysis, last)
        if day is None and year is None and not _written_as_month(analysis, month_span.first):
            continue
        value = _resolve(analysis.published, year, month, day)
        spans.append(Span("date", first, last, month_span.sentence, value))
    return spans


def _written_as_month(analysis: Analysis, index: int) -> bool:
    """English capitalises month names and Russian and Serbian do not ("may", "Maja")."""
    capitalised = analysis.tokens[index].text[0].isupper()
    return capitalised if analysis.language == "en" else not capitalised


def _day_before(analysis: Analysis, index: int) -> tuple[int | None, int]:
    position = index - 1
    while position >= 0 and analysis.tokens[position].norm in SKIPPABLE:
        position -= 1
    if position < 0 or index - position > YEAR_LOOKAHEAD:
        return None, index
    day = _day(analysis.tokens[position].norm)
    return (day, position) if day else (None, index)


def _day_after(analysis: Analysis, index: int) -> tuple[int | None, int]:
    if index < len(analysis.tokens):
        day = _day(analysis.tokens[index].norm)
        if day:
            return day, index + 1
    return None, index


def _day(word: str) -> int | None:
    found = DAY.fullmatch(word)
    if not found:
        return None
    value = int(found.group(1))
    return value if 1 <= value <= 31 else None


def _year_after(analysis: Analysis, index: int) -> tuple[int | None, int]:
    for position in range(index, min(index + YEAR_LOOKAHEAD, len(analysis.tokens))):
        word = analysis.tokens[position].norm
        if YEAR.fullmatch(word):
            return int(word), position + 1
        if word not in SKIPPABLE:
            break
    return None, index


def _resolve(published: date | None, year: int | None, month: int, day: int | None) -> str | None:
    if year is None:
        if published is None:
            return None
        year = published.year
        if (month, day or 1) > (published.month, published.day):
            year -= 1
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def _numeric_dates(analysis: Analysis) -> list[Span]:
    spans = []
    for token in analysis.tokens:
        found = NUMERIC_DATE.fullmatch(token.text)
        if not found:
            continue
        if found.group(1):
            day, month, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
        else:
            year, month, day = int(found.group(4)), int(found.group(5)), int(found.group(6))
        if 1 <= month <= 12:
            value = _resolve(None, year, month, day)
            spans.append(Span("date", token.index, token.index + 1, token.sentence, value))
    return spans


def _years(analysis: Analysis, lexicon: Lexicon, taken: set[int]) -> list[Span]:
    context = lexicon.words("calendar.year_context")
    after = lexicon.words("calendar.year_after")
    spans = []
    tokens = analysis.tokens
    for token in tokens:
        if token.index in taken or not YEAR.fullmatch(token.norm):
            continue
        before = tokens[token.index - 1].norm if token.index else ""
        following = tokens[token.index + 1].norm if token.index + 1 < len(tokens) else ""
        if before in context or following in after:
            spans.append(Span("date", token.index, token.index + 1, token.sentence, token.norm))
    return spans


def _weekdays(analysis: Analysis, lexicon: Lexicon, dated: list[Span]) -> list[Span]:
    spans = []
    for match in analysis.matches(lexicon.patterns("calendar.weekdays")):
        span = analysis.span_of(match)
        if any(abs(other.first - span.first) <= WEEKDAY_NEAR_DATE for other in dated):
            continue
        value = None
        if analysis.published is not None:
            back = (analysis.published.weekday() - int(match.label)) % 7
            value = (analysis.published - timedelta(days=back)).isoformat()
        spans.append(Span("date", span.first, span.last, span.sentence, value))
    return spans


def _last_weekdays(analysis: Analysis, lexicon: Lexicon) -> list[Span]:
    """ "last Thursday" in a Thursday's report is a week back, not the day of the report."""
    spans = []
    for match in analysis.matches(lexicon.patterns("calendar.last_weekdays")):
        span = analysis.span_of(match)
        value = None
        if analysis.published is not None:
            back = (analysis.published.weekday() - int(match.label)) % 7 or 7
            value = (analysis.published - timedelta(days=back)).isoformat()
        spans.append(Span("date", span.first, span.last, span.sentence, value))
    return spans


def _relative(analysis: Analysis, lexicon: Lexicon) -> tuple[list[Span], list[Span]]:
    """Relative dates, and apart the `days_after` ones, which count from another date."""
    spans = []
    after = []
    for match in analysis.matches(lexicon.patterns("calendar.relative")):
        span = analysis.span_of(match)
        if match.label.startswith(DAYS_AFTER):
            after.append(span)
            continue
        value = _relative_value(match.label, analysis.published)
        spans.append(Span("date", span.first, span.last, span.sentence, value))
        if match.label in FUTURE:
            analysis.spans.setdefault(FUTURE_DATE, []).append(span)
    return spans, after


def _days_after(analysis: Analysis, after: list[Span], dated: list[Span]) -> list[Span]:
    """ "the next day", "в тот же день", "sutradan", "two days later" (`days_after:N` labels
    of `calendar.relative`): counted from the last date stated before, in its sentence or
    up to `ANCHOR_REACH` sentences back (a day; a month stays that month); with none,
    unknown."""
    return [
        Span("date", span.first, span.last, span.sentence, _shifted(_anchor(dated, span), days))
        for span, days in ((span, int(str(span.label).partition(":")[2])) for span in after)
    ]


def _anchor(dated: list[Span], span: Span) -> str | None:
    before = [
        other
        for other in dated
        if other.last <= span.first
        and span.sentence - other.sentence <= ANCHOR_REACH
        and isinstance(other.value, str)
    ]
    return str(max(before, key=lambda other: other.last).value) if before else None


def _shifted(anchor: str | None, days: int) -> str | None:
    if anchor is None or len(anchor) != len("YYYY-MM-DD"):
        return anchor if anchor is not None and len(anchor) == len("YYYY-MM") else None
    return (date.fromisoformat(anchor) + timedelta(days=days)).isoformat()


def _relative_value(label: str, published: date | None) -> str | None:
    if published is None:
        return None
    if label == "today":
        return published.isoformat()
    if label == "yesterday":
        return (published - timedelta(days=1)).isoformat()
    if label == "this_month":
        return f"{published.year:04d}-{published.month:02d}"
    if label == "last_month":
        previous = published.replace(day=1) - timedelta(days=1)
        return f"{previous.year:04d}-{previous.month:02d}"
    if label == "this_year":
        return f"{published.year:04d}"
    if label == "last_year":
        return f"{published.year - 1:04d}"
    return _distance_back(label, published) or _future_value(label, published)


def _distance_back(label: str, published: date) -> str | None:
    """ "days_back:2" ("позавчера", "pre dva dana") is that day; "weeks_back:2" ("two weeks
    ago", "prošle nedelje" as "weeks_back:1") only gives the month of the day that far back."""
    unit, _, count = label.partition(":")
    if not count.isdigit() or unit not in ("days_back", "weeks_back"):
        return None
    if unit == "days_back":
        return (published - timedelta(days=int(count))).isoformat()
    day = published - timedelta(weeks=int(count))
    return f"{day.year:04d}-{day.month:02d}"


def _future_value(label: str, published: date) -> str | None:
    """ "tomorrow", "next week", "в следующем месяце", "sledeće godine": a time after the
    report, so whatever it dates has not happened yet (consolidation drops it; these spans
    are also kept as `future_date`)."""
    if label == "tomorrow":
        return (published + timedelta(days=1)).isoformat()
    if label == "next_week":
        return (published + timedelta(days=7)).isoformat()
    if label == "next_month":
        following = published.replace(day=28) + timedelta(days=4)
        return f"{following.year:04d}-{following.month:02d}"
    if label == "next_year":
        return f"{published.year + 1:04d}"
    return None
