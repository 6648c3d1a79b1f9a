"""Counting periods: days, months at month ends, roll-over and its explanation."""

from __future__ import annotations

from datetime import date

import pytest

from havenwatch.legal.counting import add_months, count_deadline
from havenwatch.legal.model import Jurisdiction, Period


@pytest.mark.parametrize(
    ("start", "months", "expected", "clamped"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28), True),
        (date(2024, 1, 31), 1, date(2024, 2, 29), True),
        (date(2025, 3, 31), 1, date(2025, 4, 30), True),
        (date(2025, 10, 31), 4, date(2026, 2, 28), True),
        (date(2025, 1, 15), 4, date(2025, 5, 15), False),
        (date(2025, 12, 15), 2, date(2026, 2, 15), False),
    ],
)
def test_month_arithmetic_at_month_ends(
    start: date, months: int, expected: date, clamped: bool
) -> None:
    assert add_months(start, months) == (expected, clamped)


def test_good_friday_roll_over_is_explained(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 4, 3), Period(15, "days"), rs.counting["zup_days"], rs.calendar
    )
    assert result.plain_end == date(2025, 4, 18)
    assert result.due == date(2025, 4, 22)
    assert "ends Friday 18 Apr 2025, Good Friday" in result.explanation
    assert "Easter Monday" in result.explanation
    assert "next working day Tuesday 22 Apr 2025" in result.explanation
    assert result.uncertain == ()


def test_saturday_roll_over_under_zup_is_flagged_with_a_safe_date(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 3, 7), Period(15, "days"), rs.counting["zup_days"], rs.calendar
    )
    assert result.plain_end == date(2025, 3, 22)
    assert result.due == date(2025, 3, 24)
    assert result.safe_due == date(2025, 3, 22)
    assert result.uncertain and "[U]" in result.explanation


def test_sunday_rule_day_roll_over_is_flagged(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2026, 1, 17), Period(30, "days"), rs.counting["zpp_days"], rs.calendar
    )
    assert result.plain_end == date(2026, 2, 16)
    assert result.due == date(2026, 2, 18)
    assert result.safe_due == date(2026, 2, 17)
    assert result.uncertain


def test_court_deadline_over_labour_day_weekend(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 4, 3), Period(30, "days"), rs.counting["zpp_days"], rs.calendar
    )
    assert result.plain_end == date(2025, 5, 3)
    assert result.due == date(2025, 5, 5)
    assert result.uncertain == ()


def test_ecthr_four_months_never_roll_over(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 4, 3), Period(4, "months"), rs.counting["echr_months"], rs.calendar
    )
    assert result.due == result.plain_end == date(2025, 8, 3)  # a Sunday
    assert "no roll-over" in result.explanation


def test_ecthr_month_end_is_flagged_uncertain(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 10, 31), Period(4, "months"), rs.counting["echr_months"], rs.calendar
    )
    assert result.due == date(2026, 2, 28)
    assert any("month-end" in item for item in result.uncertain)


def test_working_last_day_stays(rs: Jurisdiction) -> None:
    result = count_deadline(
        date(2025, 4, 3), Period(8, "days"), rs.counting["zup_days"], rs.calendar
    )
    assert result.due == date(2025, 4, 11)
    assert "a working day" in result.explanation


def test_inclusive_counting_and_month_roll_over_elsewhere(xx: Jurisdiction) -> None:
    days = count_deadline(
        date(2026, 2, 1), Period(10, "days"), xx.counting["inclusive_days"], xx.calendar
    )
    assert days.due == date(2026, 2, 10)
    months = count_deadline(
        date(2025, 12, 31), Period(2, "months"), xx.counting["months"], xx.calendar
    )
    assert months.plain_end == date(2026, 2, 28)  # a Saturday, the weekend there
    assert months.due == date(2026, 3, 2)  # Sunday 1 March is Founders' Day
    assert "Founders' Day" in months.explanation
