"""What a case's timeline chart shows, without drawing it (no matplotlib here).

The case page lists these marks in the table beside the chart and links the chart itself
(`GET /cases/{id}/timeline.png`, drawn by `reports.charts.timeline_png`), so a page view never
waits for matplotlib. `TimelineChart` is the whole input of the drawing: the marks, the lane
names and the month labels in the reader's language. Its `digest` names that state, so the
page's link and the image's ETag change exactly when the drawing would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from havenwatch.core.model import Event
from havenwatch.legal.workflow import CaseDeadlines

LANES = ("event", "deadline", "outcome")
DECIDED_TYPES = ("court_decision", "asylum_decision")
# Raised when the drawing changes, so browsers holding an older image fetch the new one.
DRAWING_VERSION = 1


@dataclass(frozen=True)
class TimelineMark:
    """One point of a case's timeline chart: its day, its lane and what it is."""

    day: date
    lane: str
    text: str


@dataclass(frozen=True)
class TimelineChart:
    """A case's timeline chart as data: the marks, the lanes' and months' names to draw."""

    marks: tuple[TimelineMark, ...]
    lanes: tuple[tuple[str, str], ...]
    months: tuple[tuple[str, str], ...]

    def count(self, lane: str) -> int:
        return sum(mark.lane == lane for mark in self.marks)

    @property
    def digest(self) -> str:
        """A short hash of everything drawn: the same for the same case state and language."""
        state = {
            "version": DRAWING_VERSION,
            "marks": [[mark.day.isoformat(), mark.lane, mark.text] for mark in self.marks],
            "lanes": self.lanes,
            "months": self.months,
        }
        encoded = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]


def timeline_marks(
    events: Sequence[Event],
    plan: CaseDeadlines | None,
    *,
    label: Callable[[str, str | None], str],
) -> tuple[TimelineMark, ...]:
    """Events at their earliest known day, decisions' outcomes, and the deadlines' last days."""
    marks = []
    for event in events:
        day = event.date.earliest if event.date else None
        if day is None:
            continue
        marks.append(TimelineMark(day, "event", label("event_type", event.type)))
        if event.type in DECIDED_TYPES and event.outcome:
            marks.append(TimelineMark(day, "outcome", label("outcome", event.outcome)))
    for item in plan.deadlines if plan else ():
        if item.step.due is not None:
            marks.append(TimelineMark(item.step.due, "deadline", item.step.remedy_label))
    return tuple(sorted(marks, key=lambda mark: (mark.day, LANES.index(mark.lane))))


def case_timeline(
    events: Sequence[Event],
    plan: CaseDeadlines | None,
    *,
    label: Callable[[str, str | None], str],
    lanes: Mapping[str, str],
    month_label: Callable[[str], str],
) -> TimelineChart | None:
    """The case's timeline chart (events, deadlines and outcomes on one axis of days), or None
    when nothing of it has a day."""
    marks = timeline_marks(events, plan, label=label)
    if not marks:
        return None
    first, last = marks[0].day, max(mark.day for mark in marks)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    keys = [
        f"{first.year + (first.month - 1 + n) // 12:04d}-{(first.month - 1 + n) % 12 + 1:02d}"
        for n in range(2 * span + 2)
    ]  # every month a tick can fall on
    months = tuple((key, month_label(key)) for key in keys)
    return TimelineChart(marks, tuple((lane, lanes[lane]) for lane in LANES), months)
