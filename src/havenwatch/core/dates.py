"""Dates as precise as the record allows, and no more.

A date is stored as an EDTF-style text (`2024-09-16`, `2024-09`, `2024`, `../2024-10-19` for
"before 19 October 2024", `2024-10-19/..` for "after", `2024-09/2024-11` for a range) together
with the earliest and latest day it can mean. Statistics group by what is known; deadlines are
computed only from day-precise dates.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources

from babel import Locale
from babel.dates import format_date

from havenwatch.core.errors import ValidationError

OPEN = ".."


def _month_names() -> dict[str, int]:
    text = resources.files("havenwatch.data").joinpath("month_names.json").read_text("utf-8")
    return {name: int(number) for number, names in json.loads(text).items() for name in names}


MONTHS = _month_names()
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ISO_YEAR = re.compile(r"^(\d{4})$")
DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})\.?$")
DATE_HINT = "YYYY-MM-DD or DD.MM.YYYY"
WORDY = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})\.?$")


@dataclass(frozen=True)
class FuzzyDate:
    """A date of known precision: `day`, `month`, `year`, `before`, `after` or `range`."""

    text: str
    earliest: date | None
    latest: date | None
    precision: str

    @property
    def exact(self) -> date | None:
        """The day itself, only when the record says which day it was."""
        return self.earliest if self.precision == "day" else None

    @property
    def month_key(self) -> str | None:
        """`YYYY-MM` when the whole date falls in one month, for honest monthly statistics."""
        if (
            self.earliest
            and self.latest
            and self.earliest.strftime("%Y-%m") == self.latest.strftime("%Y-%m")
        ):
            return self.earliest.strftime("%Y-%m")
        return None


def parse_day(text: str, field: str = "date") -> date:
    """One day in a format people type: 2024-09-16, 16.09.2024, 16 Sep 2024, 16. septembra 2024."""
    value = text.strip()
    for pattern, order in ((ISO_DAY, "ymd"), (DOTTED, "dmy")):
        match = pattern.match(value)
        if match:
            parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
            return _make_day(parts["y"], parts["m"], parts["d"], field, text)
    match = WORDY.match(value)
    if match:
        month = MONTHS.get(match.group(2).lower().rstrip("."))
        if month is None:
            raise ValidationError.of(field, "date.unknown_month", value=text)
        return _make_day(int(match.group(3)), month, int(match.group(1)), field, text)
    raise ValidationError.of(field, "date.not_a_date", value=text, format=DATE_HINT)


def _make_day(year: int, month: int, day: int, field: str, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError.of(field, "date.impossible", value=text) from None


def parse_fuzzy(text: str, field: str = "date") -> FuzzyDate:
    """Parse an EDTF-style date, interval or open interval (see the module docstring)."""
    value = text.strip()
    if "/" in value and not DOTTED.match(value):
        start_text, _, end_text = value.partition("/")
        return _interval(start_text.strip(), end_text.strip(), value, field)
    earliest, latest, precision = _bounds(value, field)
    return FuzzyDate(_canonical(value, precision, earliest), earliest, latest, precision)


def _interval(start_text: str, end_text: str, text: str, field: str) -> FuzzyDate:
    if start_text == OPEN and end_text == OPEN:
        raise ValidationError.of(field, "date.open_interval", value=text)
    if start_text == OPEN:
        end = _bounds(end_text, field)
        return FuzzyDate(f"../{end_text}", None, end[1], "before")
    if end_text == OPEN:
        start = _bounds(start_text, field)
        return FuzzyDate(f"{start_text}/..", start[0], None, "after")
    start, end = _bounds(start_text, field), _bounds(end_text, field)
    if start[0] > end[1]:
        raise ValidationError.of(field, "date.interval_reversed", value=text)
    return FuzzyDate(f"{start_text}/{end_text}", start[0], end[1], "range")


def _bounds(value: str, field: str) -> tuple[date, date, str]:
    match = ISO_MONTH.match(value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError.of(field, "date.impossible_month", value=value)
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month"
    match = ISO_YEAR.match(value)
    if match:
        year = int(match.group(1))
        return date(year, 1, 1), date(year, 12, 31), "year"
    day = parse_day(value, field)
    return day, day, "day"


def _canonical(value: str, precision: str, earliest: date) -> str:
    return earliest.isoformat() if precision == "day" else value


def from_day(day: date) -> FuzzyDate:
    return FuzzyDate(day.isoformat(), day, day, "day")


MAX_AGE = 120


def birth_year_from_age(age: int, on: date) -> int:
    """The year of birth of someone `age` years old on `on` (the later of the two possible).

    Reports give ages ("a 41-year-old journalist"), records keep years of birth; the year is
    exact to within one, which is what a year of birth without a date can promise anyway.
    """
    if not 0 <= age <= MAX_AGE:
        raise ValidationError.of("age", "value.whole_number", low=0, high=MAX_AGE)
    return on.year - age


@cache
def day_patterns() -> dict[str, str]:
    """locale -> the CLDR pattern of its one day format (`data/date_formats.json`)."""
    text = resources.files("havenwatch.data").joinpath("date_formats.json").read_text("utf-8")
    patterns: dict[str, str] = json.loads(text)["day"]
    return patterns


@lru_cache(maxsize=8192)
def format_day(day: date, locale: str) -> str:
    """A day as the locale writes it everywhere ("3 Mar 2025", "03.03.2025", "03.03.2025.")."""
    pattern = day_patterns().get(locale, day_patterns()["en"])
    return format_date(day, format=pattern, locale=Locale.parse(locale))


def format_fuzzy(value: FuzzyDate | None, locale: str) -> str:
    """A record's date: a day in the locale's format, anything less precise as recorded."""
    if value is None:
        return ""
    return format_day(value.exact, locale) if value.exact else value.text
