from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from havenwatch.core.dates import birth_year_from_age, parse_day, parse_fuzzy
from havenwatch.core.errors import ValidationError


@pytest.mark.parametrize(
    "text",
    [
        "2024-09-16",
        "16.09.2024",
        "16/09/2024",
        "16 Sep 2024",
        "16 September 2024",
        "16. septembra 2024.",
        "16 сентября 2024",
        "16. септембра 2024",
    ],
)
def test_day_formats_people_type_all_mean_the_same_day(text: str) -> None:
    assert parse_day(text) == date(2024, 9, 16)


@pytest.mark.parametrize(
    "text", ["2024-02-30", "31.13.2024", "2023-02-29", "yesterday", "16 Smarch 2024"]
)
def test_impossible_or_unreadable_dates_are_rejected_with_the_field_named(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_day(text, "served_on")
    assert str(error.value).startswith("served_on: ")


def test_month_precision_covers_the_whole_month_and_has_no_exact_day() -> None:
    when = parse_fuzzy("2024-02")
    assert (when.earliest, when.latest, when.precision) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
        "month",
    )
    assert when.exact is None
    assert when.month_key == "2024-02"


def test_year_precision_has_no_month_for_monthly_statistics() -> None:
    when = parse_fuzzy("2024")
    assert when.precision == "year" and when.month_key is None


def test_open_interval_before_a_day_has_only_an_upper_bound() -> None:
    when = parse_fuzzy("../2024-10-19")
    assert (when.earliest, when.latest, when.precision) == (None, date(2024, 10, 19), "before")


def test_closed_interval_spans_from_first_to_last_day() -> None:
    when = parse_fuzzy("2024-09/2024-11")
    assert (when.earliest, when.latest) == (date(2024, 9, 1), date(2024, 11, 30))


def test_interval_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValidationError):
        parse_fuzzy("2024-11/2024-09")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_any_iso_day_round_trips_through_its_text(day: date) -> None:
    assert parse_fuzzy(day.isoformat()).exact == day
    assert parse_fuzzy(parse_fuzzy(day.strftime("%d.%m.%Y")).text).exact == day


def test_an_age_gives_the_later_possible_year_of_birth() -> None:
    assert birth_year_from_age(41, date(2025, 3, 3)) == 1984
    for age in (-1, 121):
        with pytest.raises(ValidationError, match="age"):
            birth_year_from_age(age, date(2025, 3, 3))
