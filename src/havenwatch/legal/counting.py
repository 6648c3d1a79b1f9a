"""Counting a period from its trigger day, and rolling the last day over where the law says so.

The result carries a plain-language account of every step, because a lawyer must be able
to check the arithmetic by hand before relying on it.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from havenwatch.legal.calendar import NonWorkingDay, format_day, non_working_day
from havenwatch.legal.model import CalendarSpec, CountingMethod, Period

UNIT_SINGULAR = {"days": "day", "months": "month", "years": "year"}


@dataclass(frozen=True)
class CountResult:
    """A counted deadline.

    ``plain_end`` is the arithmetic end of the period, ``due`` the last day to act after any
    roll-over, and ``safe_due`` the last day if every uncertain non-working day turned out
    to be a working day (the date to aim for while the uncertainty stands).
    """

    trigger: date
    period: Period
    plain_end: date
    due: date
    safe_due: date
    month_end_clamped: bool
    skipped: tuple[NonWorkingDay, ...]
    uncertain: tuple[str, ...]
    explanation: str


def add_months(day: date, months: int) -> tuple[date, bool]:
    """The same-numbered day ``months`` later, or that month's last day if it has none.

    Returns the date and whether it had to be moved to the month's last day.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def plain_end(trigger: date, period: Period, method: CountingMethod) -> tuple[date, bool]:
    """The arithmetic last day of the period, before any roll-over."""
    if period.unit == "days":
        end, clamped = trigger + timedelta(days=period.length), False
    else:
        months = period.length * (12 if period.unit == "years" else 1)
        end, clamped = add_months(trigger, months)
    if method.first_day == "same_day" and period.length > 0:
        end -= timedelta(days=1)
    return end, clamped


def count_deadline(
    trigger: date,
    period: Period,
    method: CountingMethod,
    spec: CalendarSpec,
    trigger_label: str = "service",
) -> CountResult:
    end, clamped = plain_end(trigger, period, method)
    skipped = _skipped_days(spec, method, end) if method.roll_over else ()
    due = end + timedelta(days=len(skipped))
    safe_due = _safe_due(end, skipped)
    uncertain = _uncertainties(method, clamped, skipped, safe_due)
    lines = [
        _counted_text(trigger, period, method, trigger_label),
        _end_text(end, clamped, method, spec, skipped, due),
    ]
    return CountResult(
        trigger=trigger,
        period=period,
        plain_end=end,
        due=due,
        safe_due=safe_due,
        month_end_clamped=clamped,
        skipped=skipped,
        uncertain=uncertain,
        explanation="; ".join(line for line in lines if line),
    )


def _skipped_days(
    spec: CalendarSpec, method: CountingMethod, end: date
) -> tuple[NonWorkingDay, ...]:
    skipped = []
    day = end
    while (reason := non_working_day(spec, method, day)) is not None:
        skipped.append(reason)
        day += timedelta(days=1)
    return tuple(skipped)


def _safe_due(end: date, skipped: tuple[NonWorkingDay, ...]) -> date:
    """Roll over only the days that are non-working beyond doubt."""
    certain_run = 0
    for day in skipped:
        if not day.certain:
            break
        certain_run += 1
    return end + timedelta(days=certain_run)


def _counted_text(trigger: date, period: Period, method: CountingMethod, trigger_label: str) -> str:
    unit = UNIT_SINGULAR[period.unit] if period.length == 1 else period.unit
    first = "is not counted" if method.first_day == "next_day" else "counts as the first day"
    return (
        f"{period.length} {unit} from {trigger_label} on {format_day(trigger)} "
        f"(the day of {trigger_label} {first}; {method.label}, {method.citation})"
    )


def _end_text(
    end: date,
    clamped: bool,
    method: CountingMethod,
    spec: CalendarSpec,
    skipped: tuple[NonWorkingDay, ...],
    due: date,
) -> str:
    month_end = " (the month has no such day: its last day counts)" if clamped else ""
    text = f"ends {format_day(end)}{month_end}"
    if not method.roll_over:
        note = method.no_roll_over_note or "the deadline does not move to a working day"
        return f"{text}; no roll-over: {note}"
    end_reason = non_working_day(spec, method, end)
    if end_reason is None:
        return f"{text}, a working day"
    text = f"{text}, {_reasons(end_reason)}"
    following = [_skipped_text(day) for day in skipped[1:]]
    then = f"; then {', '.join(following)}" if following else ""
    return f"{text}{then}; next working day {format_day(due)}"


def _reasons(day: NonWorkingDay) -> str:
    """Holiday names, or 'a weekly rest day' when the weekday is the only reason."""
    marker = "" if day.certain else " [U]"
    holidays = day.holiday_names
    return (", ".join(holidays) if holidays else "a weekly rest day") + marker


def _skipped_text(day: NonWorkingDay) -> str:
    text = format_day(day.day, year=False)
    marker = "" if day.certain else " [U]"
    return (
        f"{text} ({', '.join(day.holiday_names)}){marker}" if day.holiday_names else text + marker
    )


def _uncertainties(
    method: CountingMethod,
    clamped: bool,
    skipped: tuple[NonWorkingDay, ...],
    safe_due: date,
) -> tuple[str, ...]:
    found = []
    if clamped and method.month_end_confidence == "U":
        found.append("month-end arithmetic for this method is uncertain [U]")
    doubtful = [day for day in skipped if not day.certain]
    if doubtful:
        first = doubtful[0]
        found.append(
            f"the roll-over assumes {format_day(first.day)} ({', '.join(first.reasons)}) "
            f"is not a working day [U]; if it is, the deadline is {format_day(safe_due)}: "
            "act by then to be safe"
        )
    return tuple(found)
