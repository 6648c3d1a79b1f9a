"""Serbian non-working days: state holidays, the Sunday rule, Christmas, Orthodox Easter."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.legal.calendar import (
    gregorian_easter,
    holidays_in_year,
    julian_easter,
    non_working_day,
)
from havenwatch.legal.model import Jurisdiction


def holiday_names(rules: Jurisdiction, day: date) -> list[str]:
    return [holiday.name for holiday in holidays_in_year(rules.calendar, day.year).get(day, ())]


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2023, date(2023, 4, 16)),
        (2024, date(2024, 5, 5)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 12)),
        (2027, date(2027, 5, 2)),
        (2028, date(2028, 4, 16)),
        (2029, date(2029, 4, 8)),
        (2030, date(2030, 4, 28)),
    ],
)
def test_orthodox_easter_matches_the_reference(year: int, easter: date) -> None:
    assert julian_easter(year) == easter


def test_western_easter_for_the_fictional_jurisdiction() -> None:
    assert gregorian_easter(2025) == date(2025, 4, 20)
    assert gregorian_easter(2026) == date(2026, 4, 5)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 1, 1), "New Year"),
        (date(2025, 1, 2), "New Year"),
        (date(2025, 2, 15), "Statehood Day (Sretenje)"),
        (date(2025, 2, 16), "Statehood Day (Sretenje)"),
        (date(2025, 5, 1), "Labour Day"),
        (date(2025, 5, 2), "Labour Day"),
        (date(2025, 11, 11), "Armistice Day"),
        (date(2025, 1, 7), "Orthodox Christmas"),
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 19), "Holy Saturday"),
        (date(2025, 4, 20), "Easter Sunday"),
        (date(2025, 4, 21), "Easter Monday"),
        (date(2026, 4, 10), "Good Friday"),
        (date(2026, 4, 13), "Easter Monday"),
    ],
)
def test_each_holiday_is_non_working(rs: Jurisdiction, day: date, name: str) -> None:
    assert name in holiday_names(rs, day)
    assert non_working_day(rs.calendar, rs.counting["zup_days"], day) is not None


@pytest.mark.parametrize(
    "day",
    [date(2025, 5, 9), date(2025, 1, 27), date(2025, 6, 30), date(2025, 10, 21), date(2025, 1, 8)],
)
def test_worked_commemorations_are_working_days(rs: Jurisdiction, day: date) -> None:
    assert holiday_names(rs, day) == []


@pytest.mark.parametrize(
    ("substitute", "cause"),
    [
        (date(2023, 1, 3), "New Year"),  # 1 Jan 2023 Sunday, 2 Jan already off [S]
        (date(2025, 2, 17), "Statehood Day"),  # 16 Feb 2025 Sunday [S]
        (date(2026, 2, 17), "Statehood Day"),  # 15 Feb 2026 Sunday, 16 Feb already off [S]
        (date(2027, 5, 4), "Labour Day"),  # 2 May 2027 Sunday, 3 May Easter Monday
        (date(2028, 1, 3), "New Year"),  # 2 Jan 2028 Sunday
        (date(2029, 11, 12), "Armistice Day"),  # 11 Nov 2029 Sunday
    ],
)
def test_sunday_rule_frees_the_first_following_working_day(
    rs: Jurisdiction, substitute: date, cause: str
) -> None:
    names = holiday_names(rs, substitute)
    assert any(cause in name and "substitute" in name for name in names)


def test_sunday_rule_days_are_uncertain_until_the_government_notice(rs: Jurisdiction) -> None:
    day = non_working_day(rs.calendar, rs.counting["zpp_days"], date(2025, 2, 17))
    assert day is not None and not day.certain


def test_sunday_rule_skips_nothing_else(rs: Jurisdiction) -> None:
    assert holiday_names(rs, date(2026, 2, 16)) == ["Statehood Day (Sretenje)"]
    assert holiday_names(rs, date(2026, 2, 18)) == []


def test_christmas_on_a_sunday_gives_no_day_off(rs: Jurisdiction) -> None:
    assert date(2024, 1, 7).weekday() == 6
    assert holiday_names(rs, date(2024, 1, 8)) == []


def test_saturday_is_an_uncertain_rest_day_for_the_authority(rs: Jurisdiction) -> None:
    saturday = date(2025, 3, 22)
    zup = non_working_day(rs.calendar, rs.counting["zup_days"], saturday)
    zpp = non_working_day(rs.calendar, rs.counting["zpp_days"], saturday)
    assert zup is not None and not zup.certain
    assert zpp is not None and zpp.certain


def test_fictional_calendar_has_its_own_days(xx: Jurisdiction) -> None:
    method = xx.counting["inclusive_days"]
    assert non_working_day(xx.calendar, method, date(2025, 3, 1)) is not None  # Founders' Day
    assert non_working_day(xx.calendar, method, date(2025, 4, 21)) is not None  # Easter Monday
    assert non_working_day(xx.calendar, method, date(2025, 4, 18)) is not None  # a Friday
    assert non_working_day(xx.calendar, method, date(2025, 4, 20)) is None  # Sunday works
    assert non_working_day(xx.calendar, method, date(2025, 1, 7)) is None  # no Christmas
    # 1 Mar 2025 is a Saturday: the Saturday rule frees Sunday 2 Mar
    assert any(
        "substitute" in h.name for h in holidays_in_year(xx.calendar, 2025)[date(2025, 3, 2)]
    )
