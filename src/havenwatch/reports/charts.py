"""Charts drawn on the server as PNG images (Tor Browser's safest level blocks SVG).

Only matplotlib's object API is used (`Figure` + the Agg canvas), never pyplot, whose global
figure registry leaks memory in a long-running server. Every chart is shown next to a table
with the same numbers, and with alt text describing it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from havenwatch.reports.statistics import MonthlyIncidents

PALETTE = (
    "#1f4e79",
    "#c0504d",
    "#4f8a3c",
    "#8064a2",
    "#d08b2c",
    "#3b8ea5",
    "#7f7f7f",
    "#a64d79",
    "#5b6c2f",
    "#2f5d8a",
)
METADATA = {"Software": None}


def incidents_chart_png(
    stats: MonthlyIncidents,
    *,
    type_labels: Mapping[str, str],
    month_labels: Sequence[str],
    y_label: str,
) -> bytes:
    """A stacked bar chart of incidents per month, one colour per event type."""
    figure = Figure(figsize=(8.0, 3.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(stats.months)))
    bottoms = [0] * len(stats.months)
    shown = [t for t in stats.types if stats.type_total(t) > 0]
    for index, event_type in enumerate(shown):
        heights = [stats.count(month, event_type) for month in stats.months]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            width=0.7,
            color=PALETTE[index % len(PALETTE)],
            label=type_labels.get(event_type, event_type),
        )
        bottoms = [low + high for low, high in zip(bottoms, heights, strict=True)]
    axes.set_xticks(positions, [text.replace(" ", "\n", 1) for text in month_labels], fontsize=8)
    axes.set_ylabel(y_label, fontsize=9)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    if shown:
        axes.legend(
            fontsize=8,
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18),
            ncols=min(4, len(shown)),
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=METADATA)
    return buffer.getvalue()


# Okabe and Ito's palette, told apart with every common colour-vision deficiency.
COLOUR_SAFE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def counts_chart_png(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    series: Sequence[str],
    x_label: str,
    size: tuple[float, float] = (8.0, 4.0),
) -> bytes:
    """Horizontal grouped bars: one group per row label, one bar per series (people, cases...)."""
    height = max(size[1], 1.2 + 0.55 * len(rows))
    figure = Figure(figsize=(size[0], height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bar = 0.8 / max(1, len(series))
    for index, name in enumerate(series):
        positions = [row + index * bar for row in range(len(rows))]
        values = [counts[index] for _, counts in rows]
        axes.barh(positions, values, height=bar, color=COLOUR_SAFE[index % 7], label=name)
    centre = bar * (len(series) - 1) / 2
    axes.set_yticks([row + centre for row in range(len(rows))], [label for label, _ in rows])
    axes.invert_yaxis()
    axes.tick_params(labelsize=8)
    axes.set_xlabel(x_label, fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    if rows:
        axes.legend(fontsize=8, frameon=False, loc="lower right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=METADATA)
    return buffer.getvalue()
