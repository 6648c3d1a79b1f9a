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
from importlib import resources

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
            raise ValidationError(field, f"unknown month in {text!r}")
        return _make_day(int(match.group(3)), month, int(match.group(1)), field, text)
    raise ValidationError(field, f"not a date: {text!r} (use YYYY-MM-DD or DD.MM.YYYY)")


def _make_day(year: int, month: int, day: int, field: str, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(field, f"impossible date {text!r}") from None


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
        raise ValidationError(field, f"an interval needs at least one end: {text!r}")
    if start_text == OPEN:
        end = _bounds(end_text, field)
        return FuzzyDate(f"../{end_text}", None, end[1], "before")
    if end_text == OPEN:
        start = _bounds(start_text, field)
        return FuzzyDate(f"{start_text}/..", start[0], None, "after")
    start, end = _bounds(start_text, field), _bounds(end_text, field)
    if start[0] > end[1]:
        raise ValidationError(field, f"interval ends before it starts: {text!r}")
    return FuzzyDate(f"{start_text}/{end_text}", start[0], end[1], "range")


def _bounds(value: str, field: str) -> tuple[date, date, str]:
    match = ISO_MONTH.match(value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError(field, f"impossible month {value!r}")
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
        raise ValidationError("age", f"an age is a whole number from 0 to {MAX_AGE}")
    return on.year - age
