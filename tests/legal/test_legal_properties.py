"""Properties of every rolled-over deadline, over years of real calendars."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from havenwatch.legal.calendar import non_working_day
from havenwatch.legal.counting import count_deadline
from havenwatch.legal.model import Jurisdiction, Period, Unit
from havenwatch.legal.rules import load_jurisdiction, load_rules

# A modest, reproducible profile for a shared 2-core CI box; applied to these tests only.
settings.register_profile("legal", deadline=None, max_examples=60, derandomize=True)
LEGAL_PROFILE = settings.get_profile("legal")
FIXTURES = Path(__file__).parent / "fixtures"
RULES = {"RS": load_jurisdiction("RS"), "XX": load_rules(FIXTURES / "XX.toml")}
ROLLING = [
    ("RS", "zup_days"),
    ("RS", "zpp_days"),
    ("RS", "zup_months"),
    ("XX", "inclusive_days"),
    ("XX", "months"),
]
FIRST, LAST = date(2023, 1, 1), date(2031, 12, 31)


@cache
def longest_run(code: str, method: str) -> int:
    rules: Jurisdiction = RULES[code]
    longest = current = 0
    day = FIRST
    while day <= LAST + timedelta(days=400):
        blocked = non_working_day(rules.calendar, rules.counting[method], day) is not None
        current = current + 1 if blocked else 0
        longest = max(longest, current)
        day += timedelta(days=1)
    return longest


cases = st.tuples(
    st.sampled_from(ROLLING),
    st.dates(min_value=FIRST, max_value=LAST),
    st.integers(min_value=0, max_value=60),
)


@LEGAL_PROFILE
@given(cases)
def test_rolled_over_due_dates_are_working_days_not_early_and_bounded(
    case: tuple[tuple[str, str], date, int],
) -> None:
    (code, method_code), served, length = case
    rules = RULES[code]
    method = rules.counting[method_code]
    unit: Unit = "days" if "days" in method_code else "months"
    result = count_deadline(
        served, Period(length % 13 if unit == "months" else length, unit), method, rules.calendar
    )
    assert non_working_day(rules.calendar, method, result.due) is None
    assert result.due >= result.plain_end
    assert result.plain_end <= result.safe_due <= result.due
    assert (result.due - result.plain_end).days <= longest_run(code, method_code)


@LEGAL_PROFILE
@given(st.dates(min_value=FIRST, max_value=LAST), st.integers(min_value=1, max_value=12))
def test_no_roll_over_for_the_ecthr(served: date, months: int) -> None:
    rules = RULES["RS"]
    result = count_deadline(
        served, Period(months, "months"), rules.counting["echr_months"], rules.calendar
    )
    assert result.due == result.plain_end
    assert result.due > served


def test_the_longest_serbian_run_is_labour_day_into_easter_2024() -> None:
    assert longest_run("RS", "zpp_days") == 6  # Wed 1 May - Easter Monday 6 May 2024
