"""Counting a period from its trigger day, and rolling the last day over where the law says so.

The result carries a plain-language account of every step, because a lawyer must be able
to check the arithmetic by hand before relying on it.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from havenwatch.legal.calendar import NonWorkingDay, non_working_day
from havenwatch.legal.messages import Messages, messages_for
from havenwatch.legal.model import CalendarSpec, CountingMethod, Period, RunsFrom

# A confidence mark, the same in every language.
UNCERTAIN_MARKER = " [U]"


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
    runs_from: RunsFrom = "service",
) -> CountResult:
    """Count ``period`` from ``trigger``; the explanation is in the calendar's locale."""
    messages = messages_for(spec.locale)
    end, clamped = plain_end(trigger, period, method)
    skipped = _skipped_days(spec, method, end) if method.roll_over else ()
    due = end + timedelta(days=len(skipped))
    safe_due = _safe_due(end, skipped)
    uncertain = _uncertainties(messages, method, clamped, skipped, safe_due)
    lines = [
        _counted_text(messages, trigger, period, method, runs_from),
        _end_text(messages, end, clamped, method, spec, skipped, due),
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
        explanation=messages.text("count.separator").join(line for line in lines if line),
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


def _counted_text(
    messages: Messages, trigger: date, period: Period, method: CountingMethod, runs_from: RunsFrom
) -> str:
    start = messages.text(
        f"count.from_{runs_from}",
        period=messages.period(period.length, period.unit),
        date=messages.day(trigger),
    )
    first_day = messages.text(f"count.first_day_{runs_from}_{method.first_day}")
    return messages.text(
        "count.counted",
        start=start,
        first_day=first_day,
        method=method.label,
        citation=method.citation,
    )


def _end_text(
    messages: Messages,
    end: date,
    clamped: bool,
    method: CountingMethod,
    spec: CalendarSpec,
    skipped: tuple[NonWorkingDay, ...],
    due: date,
) -> str:
    text = messages.text("count.ends", date=messages.day(end))
    if clamped:
        text = messages.text("count.month_end", text=text)
    if not method.roll_over:
        note = method.no_roll_over_note or messages.text("count.no_roll_over_default")
        return messages.text("count.no_roll_over", text=text, note=note)
    end_reason = non_working_day(spec, method, end)
    if end_reason is None:
        return messages.text("count.working_day", text=text)
    text = messages.text("count.non_working_day", text=text, reasons=_reasons(messages, end_reason))
    following = [_skipped_text(messages, day) for day in skipped[1:]]
    if following:
        text = messages.text("count.then", text=text, days=messages.join(following))
    return messages.text("count.next_working_day", text=text, date=messages.day(due))


def _marked(text: str, day: NonWorkingDay) -> str:
    return text if day.certain else text + UNCERTAIN_MARKER


def _reasons(messages: Messages, day: NonWorkingDay) -> str:
    """Holiday names, or 'a weekly rest day' when the weekday is the only reason."""
    holidays = day.holiday_names
    names = messages.join(holidays) if holidays else messages.text("count.weekly_rest_day")
    return _marked(names, day)


def _skipped_text(messages: Messages, day: NonWorkingDay) -> str:
    text = messages.day(day.day, year=False)
    if day.holiday_names:
        text = messages.text("count.skipped_day", day=text, names=messages.join(day.holiday_names))
    return _marked(text, day)


def _uncertainties(
    messages: Messages,
    method: CountingMethod,
    clamped: bool,
    skipped: tuple[NonWorkingDay, ...],
    safe_due: date,
) -> tuple[str, ...]:
    found = []
    if clamped and method.month_end_confidence == "U":
        found.append(messages.text("count.month_end_uncertain"))
    doubtful = [day for day in skipped if not day.certain]
    if doubtful:
        first = doubtful[0]
        found.append(
            messages.text(
                "count.roll_over_uncertain",
                day=messages.day(first.day),
                reasons=messages.join(first.reasons),
                safe_due=messages.day(safe_due),
            )
        )
    return tuple(found)
