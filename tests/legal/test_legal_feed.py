"""The .ics feed parses back with icalendar, with stable UIDs and all-day events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from havenwatch.legal.calendar_feed import build_calendar, entry_for_step, entry_uid
from havenwatch.legal.engine import compute_deadlines
from havenwatch.legal.model import Jurisdiction

STAMP = datetime(2025, 4, 4, 9, 0, tzinfo=UTC)


def feed(rs: Jurisdiction) -> bytes:
    plan = compute_deadlines(rs, "administrative_court_judgment", served=date(2025, 4, 3))
    entries = [entry_for_step(f"case-7:d1:{step.remedy}", step, "Case 7") for step in plan.steps]
    return build_calendar([e for e in entries if e], name="Case 7 deadlines", stamp=STAMP)


def test_feed_parses_back(rs: Jurisdiction) -> None:
    calendar = Calendar.from_ical(feed(rs))
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # the Rule 39 request has no date
    first = events[0]
    assert first.get("dtstart").dt == date(2025, 5, 5)
    assert first.get("dtend").dt == date(2025, 5, 6)
    assert "VALUE=DATE" in feed(rs).decode()
    assert first.get("dtstamp").dt == STAMP
    assert "ZUSud 82, 84, 86" in str(first.get("description"))
    assert str(first.get("summary")).startswith("VERIFY WITH COUNSEL: Case 7: ")
    (alarm,) = first.walk("VALARM")
    assert alarm.get("trigger").dt == timedelta(days=-3)


def test_uids_are_stable_and_do_not_leak_the_id(rs: Jurisdiction) -> None:
    uid = entry_uid("case-7:d1:constitutional_appeal")
    assert uid == entry_uid("case-7:d1:constitutional_appeal")
    assert uid != entry_uid("case-7:d1:request_for_review")
    assert "case-7" not in uid and uid.endswith("@havenwatch")
    uids = [str(e.get("uid")) for e in Calendar.from_ical(feed(rs)).walk("VEVENT")]
    assert uids[0] == uid


def test_titles_with_line_breaks_and_separators_give_a_feed_that_parses_back(
    rs: Jurisdiction,
) -> None:
    title = "Case 7\r\nsecond line; a, b\\c\n"
    plan = compute_deadlines(rs, "administrative_court_judgment", served=date(2025, 4, 3))
    entries = [entry_for_step(f"case-7:{step.remedy}", step, title) for step in plan.steps]
    body = build_calendar([e for e in entries if e], name=title, stamp=STAMP)
    calendar = Calendar.from_ical(body)
    assert b"\r\nX-WR-CALNAME:Case 7 second line\\; a\\, b\\\\c\r\n" in body
    summaries = [str(event.get("summary")) for event in calendar.walk("VEVENT")]
    assert summaries and all("Case 7 second line; a, b\\c: " in s for s in summaries)
    assert all(line.count(b"\n") == 0 for line in body.split(b"\r\n"))
