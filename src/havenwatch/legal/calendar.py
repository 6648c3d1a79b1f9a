"""Non-working days, computed from the calendar section of a jurisdiction's rules.

Fixed holidays (several days each if the law says so), feasts that move with Easter
(Julian or Gregorian computus), and substitute days: when a holiday date of a given kind
falls on a given weekday, the first following working day is free. Weekly rest days are
not part of the holiday calendar: each counting method says which weekdays its body
does not work, with how certain that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from havenwatch.legal.messages import messages_for
from havenwatch.legal.model import (
    WEEKDAYS,
    CalendarSpec,
    Confidence,
    CountingMethod,
    SubstituteRule,
)

CERTAINTY_ORDER: dict[Confidence, int] = {"C": 2, "S": 1, "U": 0}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: str
    citation: str
    confidence: Confidence


@dataclass(frozen=True)
class NonWorkingDay:
    """A day the deciding body does not work, with every reason and how sure we are."""

    day: date
    reasons: tuple[str, ...]
    confidence: Confidence
    rest_day: bool = False

    @property
    def certain(self) -> bool:
        return self.confidence != "U"

    @property
    def holiday_names(self) -> tuple[str, ...]:
        """The reasons without the weekly rest day, which always comes last."""
        return self.reasons[:-1] if self.rest_day else self.reasons


def format_day(day: date, *, year: bool = True) -> str:
    """'Friday 18 Apr 2025' (English's one day format), independent of the process locale."""
    text = f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {MONTHS[day.month - 1][:3]}"
    return f"{text} {day.year}" if year else text


def julian_easter(year: int) -> date:
    """Orthodox Easter Sunday as a Gregorian date (Meeus' Julian algorithm).

    The Julian-to-Gregorian offset (13 days for 1900-2099) is computed from the century,
    which holds for every March-May date.
    """
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    offset = year // 100 - year // 400 - 2
    return date(year, month, day + 1) + timedelta(days=offset)


def gregorian_easter(year: int) -> date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lt = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lt) // 451
    month, day = divmod(h + lt - 7 * m + 114, 31)
    return date(year, month, day + 1)


EASTER = {"julian": julian_easter, "gregorian": gregorian_easter}


def holidays_in_year(spec: CalendarSpec, year: int) -> dict[date, tuple[Holiday, ...]]:
    """All holidays of a year, substitute days included."""
    return dict(_holidays_in_year(spec, year))


@lru_cache(maxsize=256)
def _holidays_in_year(
    spec: CalendarSpec, year: int
) -> tuple[tuple[date, tuple[Holiday, ...]], ...]:
    found: dict[date, list[Holiday]] = {}
    for holiday in _base_holidays(spec, year) + _substitutes_landing_in(spec, year):
        found.setdefault(holiday.day, []).append(holiday)
    return tuple(sorted((day, tuple(items)) for day, items in found.items()))


@lru_cache(maxsize=256)
def _base_holidays(spec: CalendarSpec, year: int) -> tuple[Holiday, ...]:
    holidays = [
        Holiday(
            date(year, fixed.month, day), fixed.name, fixed.kind, fixed.citation, fixed.confidence
        )
        for fixed in spec.fixed
        for day in fixed.days
        if _exists(year, fixed.month, day)
    ]
    for feast in spec.movable:
        easter = EASTER[feast.computus](year)
        holidays += [
            Holiday(
                easter + timedelta(days=item.offset),
                item.name,
                feast.kind,
                feast.citation,
                feast.confidence,
            )
            for item in feast.days
        ]
    return tuple(holidays)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _substitutes_landing_in(spec: CalendarSpec, year: int) -> tuple[Holiday, ...]:
    """Substitute days in ``year``, including those caused by late holidays of the year before."""
    found = _substitutes_caused_in(spec, year - 1) + _substitutes_caused_in(spec, year)
    return tuple(holiday for holiday in found if holiday.day.year == year)


@lru_cache(maxsize=256)
def _substitutes_caused_in(spec: CalendarSpec, year: int) -> tuple[Holiday, ...]:
    base = _base_holidays(spec, year) + _base_holidays(spec, year + 1)
    taken = {holiday.day for holiday in base}
    substitutes: list[Holiday] = []
    for rule in spec.substitutes:
        for holiday in sorted(base, key=lambda item: item.day):
            if holiday.day.year != year or not _triggers(rule, holiday):
                continue
            free_day = _first_working_day_after(spec, holiday.day, taken)
            taken.add(free_day)
            substitutes.append(_substitute(spec, rule, holiday, free_day))
    return tuple(substitutes)


def _triggers(rule: SubstituteRule, holiday: Holiday) -> bool:
    return holiday.kind == rule.applies_to and holiday.day.weekday() in rule.falls_on


def _first_working_day_after(spec: CalendarSpec, day: date, taken: set[date]) -> date:
    candidate = day + timedelta(days=1)
    while candidate in taken or candidate.weekday() in spec.weekend:
        candidate += timedelta(days=1)
    return candidate


def _substitute(
    spec: CalendarSpec, rule: SubstituteRule, holiday: Holiday, free_day: date
) -> Holiday:
    messages = messages_for(spec.locale)
    name = messages.text(
        "calendar.substitute_day",
        holiday=holiday.name,
        date=holiday.day.isoformat(),
        weekday=messages.weekday(holiday.day).lower(),
    )
    return Holiday(free_day, name, "substitute", rule.citation, rule.confidence)


def holidays_on(spec: CalendarSpec, day: date) -> tuple[Holiday, ...]:
    return dict(_holidays_in_year(spec, day.year)).get(day, ())


def non_working_day(spec: CalendarSpec, method: CountingMethod, day: date) -> NonWorkingDay | None:
    """Why ``day`` is not a working day for the body of ``method``; None if it is one."""
    reasons: list[tuple[str, Confidence]] = [
        (holiday.name, holiday.confidence) for holiday in holidays_on(spec, day)
    ]
    rest_confidence = method.rest_day_confidence(day.weekday())
    if rest_confidence is not None:
        reasons.append((messages_for(spec.locale).weekday(day), rest_confidence))
    if not reasons:
        return None
    strongest = max((confidence for _, confidence in reasons), key=CERTAINTY_ORDER.__getitem__)
    names = tuple(name for name, _ in reasons)
    return NonWorkingDay(day, names, strongest, rest_day=rest_confidence is not None)


def next_working_day(spec: CalendarSpec, method: CountingMethod, day: date) -> date:
    while non_working_day(spec, method, day) is not None:
        day += timedelta(days=1)
    return day
