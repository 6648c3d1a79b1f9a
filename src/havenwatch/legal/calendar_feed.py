"""An iCalendar (.ics) feed of deadlines, as all-day events with a reminder before each.

UIDs are a hash of the id the caller gives, so an event keeps its identity across feed
refreshes without exposing case ids or names inside the calendar file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vText

from havenwatch.legal.engine import DeadlineStep
from havenwatch.legal.messages import DEFAULT_LOCALE, Messages, messages_for

PRODID = "-//havenwatch//legal deadlines//EN"


@dataclass(frozen=True)
class FeedEntry:
    """One deadline to show in a calendar. ``entry_id`` must be stable across refreshes."""

    entry_id: str
    due: date
    summary: str
    description: str


def one_line(text: str) -> str:
    """A title as one line: calendar names and summaries are shown on one line.

    (The feed's name, an `X-` property, is also not escaped unless given as text: a line
    break in a case title used to end the property and break the feed.)
    """
    return " ".join(text.split())


def entry_uid(entry_id: str, domain: str = "havenwatch") -> str:
    digest = hashlib.sha256(f"havenwatch-deadline:{entry_id}".encode()).hexdigest()[:32]
    return f"{digest}@{domain}"


def entry_for_step(
    entry_id: str, step: DeadlineStep, title_prefix: str = "", locale: str = DEFAULT_LOCALE
) -> FeedEntry | None:
    """A feed entry for a computed step, labelled in ``locale``; None without a due date."""
    if step.due is None:
        return None
    messages = messages_for(locale)
    flag = messages.text("feed.verify_flag") if step.verify_with_counsel else ""
    prefix = f"{one_line(title_prefix)}: " if title_prefix.strip() else ""
    return FeedEntry(
        entry_id=entry_id,
        due=step.due,
        summary=messages.text("feed.summary", flag=flag, prefix=prefix, remedy=step.remedy_label),
        description="\n".join(_description_lines(messages, step, step.due)),
    )


def _description_lines(messages: Messages, step: DeadlineStep, due: date) -> list[str]:
    lines = [
        messages.text("feed.step", remedy=step.remedy_label, body=step.body),
        messages.text("feed.last_day", date=due.isoformat()),
        messages.text("feed.citation", citation=step.citation, confidence=step.confidence),
        messages.text("feed.explanation", explanation=step.explanation),
        messages.text("feed.suspensive", text=step.suspensive_text),
    ]
    if step.verify_with_counsel:
        points = step.uncertain or (messages.text("feed.uncertain_rule"),)
        lines.append(messages.text("feed.verify", points="; ".join(points)))
    if step.if_missed:
        lines.append(messages.text("feed.if_missed", text=step.if_missed))
    return lines


def build_calendar(
    entries: Iterable[FeedEntry],
    *,
    name: str,
    stamp: datetime | None = None,
    alarm_days_before: int = 3,
    uid_domain: str = "havenwatch",
    locale: str = DEFAULT_LOCALE,
) -> bytes:
    """The feed as bytes, ready to serve as ``text/calendar``; reminders worded in ``locale``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(one_line(name)))
    moment = stamp or datetime.now(UTC)
    for entry in entries:
        event = _event(entry, moment, uid_domain)
        event.add_component(_alarm(entry, alarm_days_before, messages_for(locale)))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _event(entry: FeedEntry, stamp: datetime, domain: str) -> Event:
    event = Event()
    event.add("uid", entry_uid(entry.entry_id, domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.due)
    event.add("dtend", entry.due + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("transp", "TRANSPARENT")
    return event


def _alarm(entry: FeedEntry, days_before: int, messages: Messages) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-days_before))
    period = messages.period(days_before, "days")
    alarm.add("description", messages.text("feed.alarm", period=period, summary=entry.summary))
    return alarm
