"""Charts drawn on the server as PNG images (Tor Browser's safest level blocks SVG).

Only matplotlib's object API is used (`Figure` + the Agg canvas), never pyplot, whose global
figure registry leaks memory in a long-running server. Every chart is shown next to a table
with the same numbers, and with alt text describing it.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from havenwatch.core.model import Event
from havenwatch.legal.workflow import CaseDeadlines
from havenwatch.reports.statistics import MonthlyIncidents

# Paul Tol's "muted" scheme and its grey: ten colours told apart with every common
# colour-vision deficiency, for the ten incident types.
PALETTE = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
)
METADATA = {"Software": None}
DESKTOP = (8.0, 3.8)
PHONE = (3.6, 4.2)
LABEL_WIDTH = 22
LEGEND_ROW_INCHES = 0.32


def incidents_chart_png(
    stats: MonthlyIncidents,
    *,
    type_labels: Mapping[str, str],
    month_labels: Sequence[str],
    y_label: str,
) -> bytes:
    """A stacked bar chart of incidents per month, one colour per event type."""
    return png_of(
        incidents_figure(stats, type_labels=type_labels, month_labels=month_labels, y_label=y_label)
    )


def png_of(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=METADATA)
    return buffer.getvalue()


def wrapped(text: str, width: int = LABEL_WIDTH) -> str:
    """A label broken into lines of at most `width` characters, so no language overflows."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def incidents_figure(
    stats: MonthlyIncidents,
    *,
    type_labels: Mapping[str, str],
    month_labels: Sequence[str],
    y_label: str,
    size: tuple[float, float] = DESKTOP,
) -> Figure:
    """The figure behind `incidents_chart_png`, for the layout tests.

    The legend sits below the plot in as many columns as the width allows; the figure grows
    by its rows, so a long legend (Russian labels, a phone's width) never squeezes the bars.
    """
    shown = [t for t in stats.types if stats.type_total(t) > 0]
    columns = max(1, min(len(shown), int(size[0] // 2.2)))
    legend_rows = -(-len(shown) // columns)
    height = size[1] + LEGEND_ROW_INCHES * max(0, legend_rows - 1)
    figure = Figure(figsize=(size[0], height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(stats.months)))
    bottoms = [0] * len(stats.months)
    for index, event_type in enumerate(shown):
        heights = [stats.count(month, event_type) for month in stats.months]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            width=0.7,
            color=PALETTE[index % len(PALETTE)],
            label=wrapped(type_labels.get(event_type, event_type)),
        )
        bottoms = [low + high for low, high in zip(bottoms, heights, strict=True)]
    step = max(1, -(-len(positions) * 7 // int(size[0] * 10)))  # keep month labels apart
    axes.set_xticks(
        positions[::step], [text.replace(" ", "\n", 1) for text in month_labels][::step], fontsize=8
    )
    axes.set_ylabel(y_label, fontsize=9)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    if shown:
        figure.legend(fontsize=8, frameon=False, loc="outside lower center", ncols=columns)
    return figure


def counts_chart_png(
    rows: Sequence[tuple[str, Sequence[int]]], *, series: Sequence[str], x_label: str
) -> bytes:
    """Horizontal grouped bars: one group per row label, one bar per series (people, cases...)."""
    return png_of(counts_figure(rows, series=series, x_label=x_label))


def counts_figure(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    series: Sequence[str],
    x_label: str,
    size: tuple[float, float] = DESKTOP,
) -> Figure:
    """The figure behind `counts_chart_png`, for the layout tests."""
    height = max(size[1], 1.2 + 0.55 * len(rows))
    figure = Figure(figsize=(size[0], height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bar = 0.8 / max(1, len(series))
    for index, name in enumerate(series):
        positions = [row + index * bar for row in range(len(rows))]
        values = [counts[index] for _, counts in rows]
        axes.barh(
            positions, values, height=bar, color=PALETTE[(index * 3) % len(PALETTE)], label=name
        )
    centre = bar * (len(series) - 1) / 2
    axes.set_yticks([row + centre for row in range(len(rows))], [wrapped(text) for text, _ in rows])
    axes.invert_yaxis()
    axes.tick_params(labelsize=8)
    axes.set_xlabel(x_label, fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    if rows:
        figure.legend(fontsize=8, frameon=False, loc="outside lower center", ncols=len(series))
    return figure


LANES = ("event", "deadline", "outcome")
MARKERS = {"event": "o", "deadline": "v", "outcome": "s"}
DECIDED_TYPES = ("court_decision", "asylum_decision")
TIMELINES_CACHED = 256


@dataclass(frozen=True)
class TimelineMark:
    """One point of a case's timeline chart: its day, its lane and what it is."""

    day: date
    lane: str
    text: str


@dataclass(frozen=True)
class TimelineChart:
    """The case timeline as a PNG `data:` URI, with the marks it shows (for the table beside)."""

    image: str
    marks: tuple[TimelineMark, ...]

    def count(self, lane: str) -> int:
        return sum(mark.lane == lane for mark in self.marks)


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


def case_timeline_chart(
    events: Sequence[Event],
    plan: CaseDeadlines | None,
    *,
    label: Callable[[str, str | None], str],
    lanes: Mapping[str, str],
    month_label: Callable[[str], str],
) -> TimelineChart | None:
    """The case page's timeline chart: events, deadlines and outcomes on one axis of days."""
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
    return TimelineChart(_timeline_image(marks, tuple(lanes.items()), months), marks)


@lru_cache(maxsize=TIMELINES_CACHED)
def _timeline_image(
    marks: tuple[TimelineMark, ...],
    lanes: tuple[tuple[str, str], ...],
    months: tuple[tuple[str, str], ...],
) -> str:
    """The chart as a data: URI, drawn once per case state and language (a page view is not
    worth 50 ms of matplotlib)."""
    names = dict(months)
    figure = case_timeline_figure(marks, lanes=dict(lanes), month_label=names.__getitem__)
    return "data:image/png;base64," + base64.b64encode(png_of(figure)).decode("ascii")


def _x(day: date) -> float:
    """A day as a position on the chart's axis (its ordinal: one unit a day)."""
    return float(day.toordinal())


def _month_ticks(first: date, last: date, most: int) -> list[date]:
    """At most `most` first-of-month days spread from `first`'s month to after `last`."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, -(-months // max(1, most - 1)))
    ticks = []
    for offset in range(0, months + step, step):
        year, month = divmod(first.month - 1 + offset, 12)
        ticks.append(date(first.year + year, month + 1, 1))
    return ticks


def case_timeline_figure(
    marks: Sequence[TimelineMark],
    *,
    lanes: Mapping[str, str],
    month_label: Callable[[str], str],
    size: tuple[float, float] = DESKTOP,
) -> Figure:
    """The figure behind `case_timeline_chart`, for the layout tests: one lane per kind."""
    figure = Figure(figsize=(size[0], 2.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for index, lane in enumerate(LANES):
        days = [_x(mark.day) for mark in marks if mark.lane == lane]
        axes.scatter(
            days,
            [index] * len(days),
            marker=MARKERS[lane],
            s=46,
            color=PALETTE[(index * 3) % len(PALETTE)],
            edgecolors="#1b1f24",
            linewidths=0.5,
            zorder=3,
        )
    axes.set_yticks(range(len(LANES)), [wrapped(lanes[lane], 14) for lane in LANES], fontsize=8)
    axes.set_ylim(-0.6, len(LANES) - 0.4)
    axes.invert_yaxis()
    first, last = min(mark.day for mark in marks), max(mark.day for mark in marks)
    ticks = _month_ticks(first, last, max(2, int(size[0] / 1.15)))
    axes.set_xticks(
        [_x(day) for day in ticks],
        [month_label(f"{day:%Y-%m}").replace(" ", "\n", 1) for day in ticks],
        fontsize=8,
    )
    axes.set_xlim(_x(ticks[0]) - 8, max(_x(ticks[-1]), _x(last)) + 8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    return figure
