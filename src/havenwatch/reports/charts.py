"""Charts drawn on the server as PNG images (Tor Browser's safest level blocks SVG).

Only matplotlib's object API is used (`Figure` + the Agg canvas), never pyplot, whose global
figure registry leaks memory in a long-running server. Every chart is shown next to a table
with the same numbers, and with alt text describing it.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from havenwatch.reports.statistics import MonthlyIncidents
from havenwatch.reports.timeline import LANES, TimelineChart, TimelineMark

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


MARKERS = {"event": "o", "deadline": "v", "outcome": "s"}
TIMELINES_CACHED = 256


@lru_cache(maxsize=TIMELINES_CACHED)
def timeline_png(chart: TimelineChart) -> bytes:
    """The case timeline chart as a PNG, drawn once per case state and language and process
    (about 100 ms of matplotlib: the case page links it, `GET /cases/{id}/timeline.png`)."""
    names = dict(chart.months)
    figure = case_timeline_figure(
        chart.marks, lanes=dict(chart.lanes), month_label=names.__getitem__
    )
    return png_of(figure)


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
