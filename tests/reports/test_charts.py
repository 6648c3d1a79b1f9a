"""Charts hold in every language and size: measured from matplotlib's own layout, no tick
label, legend entry or axis title overlaps another or falls outside the figure."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

import pytest
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from havenwatch.reports.charts import (
    DESKTOP,
    PHONE,
    case_timeline_figure,
    counts_figure,
    incidents_figure,
)
from havenwatch.reports.statistics import MonthlyIncidents, incident_types, month_keys
from havenwatch.reports.timeline import TimelineMark
from havenwatch.web.i18n import activate
from havenwatch.web.labels import label

LOCALES = ("en", "ru", "sr_Latn")
SIZES = {"desktop": DESKTOP, "phone": PHONE}
TOLERANCE = 1.0  # pixels


def visible_texts(figure: Figure) -> dict[str, list[Text]]:
    """The texts to keep apart, by group: each axis's tick labels, the legend, axis titles."""
    groups: dict[str, list[Text]] = {}
    for number, axes in enumerate(figure.axes):
        groups[f"x ticks {number}"] = shown_tick_labels(axes.xaxis)
        groups[f"y ticks {number}"] = shown_tick_labels(axes.yaxis)
        groups[f"titles {number}"] = [axes.xaxis.label, axes.yaxis.label, axes.title]
    groups["legend"] = [text for legend in figure.legends for text in legend.get_texts()]
    return {
        name: [text for text in texts if text.get_visible() and text.get_text().strip()]
        for name, texts in groups.items()
    }


def shown_tick_labels(axis: Axis) -> list[Text]:
    """The labels of the ticks inside the axis's view: matplotlib keeps others, undrawn."""
    low, high = sorted(axis.get_view_interval())
    return [tick.label1 for tick in axis.get_major_ticks() if low <= tick.get_loc() <= high]


def layout_problems(figure: Figure) -> list[str]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    bounds = figure.bbox
    boxes: dict[str, list[tuple[str, Bbox]]] = {
        name: [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
        for name, texts in visible_texts(figure).items()
    }
    problems = []
    for name, placed in boxes.items():
        for text, box in placed:
            if (
                box.x0 < bounds.x0 - TOLERANCE
                or box.y0 < bounds.y0 - TOLERANCE
                or box.x1 > bounds.x1 + TOLERANCE
                or box.y1 > bounds.y1 + TOLERANCE
            ):
                problems.append(f"{name}: {text!r} falls outside the figure")
        for (first, a), (second, b) in combinations(placed, 2):
            if a.overlaps(b) and a.intersection(a, b).width > TOLERANCE:  # type: ignore[union-attr]
                problems.append(f"{name}: {first!r} overlaps {second!r}")
    everything = [
        (f"{name}: {text}", box) for name, placed in boxes.items() for text, box in placed
    ]
    for (first, a), (second, b) in combinations(everything, 2):
        if first.split(":")[0] != second.split(":")[0] and _overlap(a, b) > TOLERANCE:
            problems.append(f"{first!r} overlaps {second!r}")
    return problems


def _overlap(a: Bbox, b: Bbox) -> float:
    overlap = Bbox.intersection(a, b)
    return 0.0 if overlap is None else min(overlap.width, overlap.height)


def year_of_incidents() -> MonthlyIncidents:
    months = month_keys(__import__("datetime").date(2025, 12, 1), 12)
    types = incident_types()
    counts = {
        (month, kind): (i + j) % 4 for i, month in enumerate(months) for j, kind in enumerate(types)
    }
    return MonthlyIncidents(months=months, types=types, counts=counts, not_placed=0)


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_monthly_incidents_chart_holds_its_layout(locale: str, size: str) -> None:
    translator = activate(locale)
    stats = year_of_incidents()
    figure = incidents_figure(
        stats,
        type_labels={code: label("event_type", code) for code in stats.types},
        month_labels=[translator.month(key) for key in stats.months],
        y_label=translator.gettext("Incidents"),
        size=SIZES[size],
    )
    assert layout_problems(figure) == []


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_statistics_chart_holds_its_layout(locale: str, size: str) -> None:
    translator = activate(locale)
    rows = [(label("event_type", code), (3, 4, 9)) for code in incident_types()]
    series = [translator.gettext(name) for name in ("People", "Cases", "Events")]
    figure = counts_figure(
        rows, series=series, x_label=translator.gettext("Count"), size=SIZES[size]
    )
    assert layout_problems(figure) == []


def test_the_check_finds_labels_that_overprint() -> None:
    figure = Figure(figsize=(2.0, 2.0), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_xticks(range(6), [f"a very long month label {n}" for n in range(6)])
    assert any("overlaps" in problem for problem in layout_problems(figure))
    assert any("outside" in problem for problem in layout_problems(figure))


def a_case_timeline() -> list[TimelineMark]:
    """Two years of a long case: events, court outcomes and deadlines close together."""
    start = date(2024, 1, 10)
    marks = []
    for number, kind in enumerate(incident_types() * 2):
        day = start + timedelta(days=23 * number)
        marks.append(TimelineMark(day, "event", label("event_type", kind)))
        if number % 3 == 0:
            marks.append(TimelineMark(day, "outcome", label("outcome", "rejected")))
        marks.append(TimelineMark(day + timedelta(days=8), "deadline", "Appeal"))
    return marks


@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_case_timeline_chart_holds_its_layout(locale: str, size: str) -> None:
    translator = activate(locale)
    lanes = {
        "event": translator.gettext("Events"),
        "deadline": translator.gettext("Deadlines"),
        "outcome": translator.gettext("Outcomes"),
    }
    figure = case_timeline_figure(
        a_case_timeline(), lanes=lanes, month_label=translator.month, size=SIZES[size]
    )
    assert layout_problems(figure) == []
    assert len(shown_tick_labels(figure.axes[0].xaxis)) >= 2
