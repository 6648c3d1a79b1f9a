"""An iCalendar (.ics) feed of deadlines, as all-day events with a reminder before each.

UIDs are a hash of the id the caller gives, so an event keeps its identity across feed
refreshes without exposing case ids or names inside the calendar file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from havenwatch.legal.engine import DeadlineStep

PRODID = "-//havenwatch//legal deadlines//EN"


@dataclass(frozen=True)
class FeedEntry:
    """One deadline to show in a calendar. ``entry_id`` must be stable across refreshes."""

    entry_id: str
    due: date
    summary: str
    description: str


def entry_uid(entry_id: str, domain: str = "havenwatch") -> str:
    digest = hashlib.sha256(f"havenwatch-deadline:{entry_id}".encode()).hexdigest()[:32]
    return f"{digest}@{domain}"


def entry_for_step(entry_id: str, step: DeadlineStep, title_prefix: str = "") -> FeedEntry | None:
    """A feed entry for a computed step; None when the step has no due date."""
    if step.due is None:
        return None
    flag = "VERIFY WITH COUNSEL: " if step.verify_with_counsel else ""
    prefix = f"{title_prefix}: " if title_prefix else ""
    lines = [
        f"{step.remedy_label}, to {step.body}",
        f"Last day: {step.due.isoformat()}",
        f"Citation: {step.citation} (confidence {step.confidence})",
        f"How it was counted: {step.explanation}",
        f"Suspensive: {step.suspensive_text}",
    ]
    if step.verify_with_counsel:
        lines.append("Verify with counsel: " + "; ".join(step.uncertain or ("uncertain rule",)))
    if step.if_missed:
        lines.append(f"If missed: {step.if_missed}")
    return FeedEntry(
        entry_id=entry_id,
        due=step.due,
        summary=f"{flag}{prefix}{step.remedy_label} due",
        description="\n".join(lines),
    )


def build_calendar(
    entries: Iterable[FeedEntry],
    *,
    name: str,
    stamp: datetime | None = None,
    alarm_days_before: int = 3,
    uid_domain: str = "havenwatch",
) -> bytes:
    """The feed as bytes, ready to serve as ``text/calendar``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    moment = stamp or datetime.now(UTC)
    for entry in entries:
        calendar.add_component(_event(entry, moment, alarm_days_before, uid_domain))
    return bytes(calendar.to_ical())


def _event(entry: FeedEntry, stamp: datetime, alarm_days_before: int, domain: str) -> Event:
    event = Event()
    event.add("uid", entry_uid(entry.entry_id, domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.due)
    event.add("dtend", entry.due + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(entry, alarm_days_before))
    return event


def _alarm(entry: FeedEntry, days_before: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-days_before))
    alarm.add("description", f"In {days_before} days: {entry.summary}")
    return alarm
