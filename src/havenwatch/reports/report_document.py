"""The public report as a document: HTML with its charts embedded, and PDF through WeasyPrint.

The HTML is one file: its style is inline and its charts are PNG images in `data:` URIs, so it
opens offline, in Tor Browser at its safest level (no SVG, no script), and prints. The PDF is
drawn from that same HTML by WeasyPrint with a URL fetcher that refuses everything but the
report's own `data:` URIs: a stray link planted in the text could otherwise make the converter
call a server (and tell it who is making the report).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from jinja2 import Environment, PackageLoader, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from havenwatch.core.errors import HavenwatchError, ValidationError
from havenwatch.core.value_labels import label_for
from havenwatch.core.vocabulary import vocabulary
from havenwatch.reports.charts import counts_chart_png, incidents_chart_png
from havenwatch.reports.language import ReportLanguage
from havenwatch.reports.publication import latest_release, release_version
from havenwatch.reports.report import UNKNOWN_GROUNDS, ReportData, ReportRequest, build_report
from havenwatch.reports.statistics import MonthlyIncidents
from havenwatch.store.database import Database

FORMATS = ("html", "pdf")
STEPS = ("release", "figures", "charts", "text", "pdf")
Progress = Callable[[str], None]


class OwnDataOnly(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher limited to `data:` URIs; every other address is refused, and noted."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"the report reads only its own data: URIs, not {url[:80]}")
        return super().fetch(url, headers)


@cache
def _environment(locale: str) -> Environment:
    """One template environment per language, its gettext installed (so requests never share)."""
    lang = ReportLanguage(locale)
    environment = Environment(
        loader=PackageLoader("havenwatch.reports", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lang.gettext, lambda one, many, n: lang.gettext(one if n == 1 else many), newstyle=True
    )
    return environment


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _type_labels(lang: ReportLanguage) -> dict[str, str]:
    return {code: lang.gettext(text) for code, text in vocabulary().event_labels.items()}


def country_name(lang: ReportLanguage, code: str) -> str:
    """A host country (ISO code) by its name in the report's language, the code when unknown."""
    territories = Locale.parse(lang.locale).territories
    return str(territories.get(code, code))


def grounds_label(lang: ReportLanguage, code: str) -> str:
    """A grounds code by the interface's label in the report's language."""
    if code == UNKNOWN_GROUNDS:
        return lang.gettext("not recorded")
    return label_for("grounds", code, lang.locale)


def _monthly_chart(data: ReportData, lang: ReportLanguage, labels: dict[str, str]) -> str | None:
    monthly = {key: n for key, n in data.cells.items() if len(key[1]) == 7}
    if not monthly:
        return None
    stats = MonthlyIncidents(
        months=data.months,
        types=tuple(code for code in data.types if any(t == code for t, _ in monthly)),
        counts={(month, event_type): n for (event_type, month), n in monthly.items()},
        not_placed=0,
    )
    png = incidents_chart_png(
        stats,
        type_labels=labels,
        month_labels=[lang.month(month) for month in data.months],
        y_label=lang.gettext("People"),
    )
    return data_uri(png)


def _change_chart(data: ReportData, lang: ReportLanguage, labels: dict[str, str]) -> str | None:
    if not data.changes:
        return None
    rows = [(labels[change.event_type], (change.before, change.now)) for change in data.changes]
    series = (lang.gettext("Previous period"), lang.gettext("This period"))
    png = counts_chart_png(rows, series=series, x_label=lang.gettext("People (published figures)"))
    return data_uri(png)


def codebook_rows(lang: ReportLanguage) -> list[tuple[str, str, str]]:
    """(code, meaning, kind) for every event type, from the vocabulary the app uses."""
    vocab = vocabulary()
    measure = lang.gettext("a decision or measure of the host state")
    step = lang.gettext("a step taken by the person or another state")
    return [
        (
            code,
            lang.gettext(vocab.event_labels[code]),
            measure if code in vocab.decision_event_types else step,
        )
        for code in vocab.event_types
    ]


def render_html(data: ReportData, progress: Progress | None = None) -> str:
    """The report as one self-contained HTML document."""
    note = progress or (lambda _step: None)
    lang = ReportLanguage(data.request.locale)
    labels = _type_labels(lang)
    note("charts")
    monthly_chart = _monthly_chart(data, lang, labels)
    change_chart = _change_chart(data, lang, labels)
    note("text")
    template = _environment(lang.locale).get_template("report.html")
    return template.render(
        data=data,
        lang=lang,
        labels=labels,
        country=(country_name(lang, data.request.country) if data.request.country else None),
        country_name=lambda code: country_name(lang, code),
        grounds_label=lambda code: grounds_label(lang, code),
        type_names=lambda codes: ", ".join(labels[code] for code in codes),
        monthly_chart=monthly_chart,
        change_chart=change_chart,
        codebook=codebook_rows(lang),
        grounds_codes=(*vocabulary().grounds, UNKNOWN_GROUNDS),
        style=_style(),
    )


@cache
def _style() -> str:
    return resources.files("havenwatch.reports").joinpath("templates/report.css").read_text("utf-8")


def render_pdf(html: str, fetcher: OwnDataOnly | None = None) -> bytes:
    """The HTML drawn as PDF; nothing outside the document is fetched."""
    document = HTML(string=html, base_url=None, url_fetcher=fetcher or OwnDataOnly())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render(data: ReportData, output_format: str, progress: Progress | None = None) -> bytes:
    """The report in `output_format` ('html' or 'pdf') as bytes to write."""
    html = render_html(data, progress)
    if output_format == "html":
        return html.encode("utf-8")
    if progress is not None:
        progress("pdf")
    return render_pdf(html)


class NoReleaseError(HavenwatchError):
    """A report asked for before any release was published."""


def public_report(
    db: Database,
    request: ReportRequest,
    output_format: str,
    *,
    version: int | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report of the latest published release (or of `version`), in `output_format`."""
    if output_format not in FORMATS:
        raise ValidationError.of(
            "format", "report.unknown_format", value=output_format, accepted=", ".join(FORMATS)
        )
    note = progress or (lambda _step: None)
    note("release")
    published = latest_release(db) if version is None else release_version(db, version)
    if published is None:
        raise NoReleaseError("no release is published yet: run `havenwatch release publish`")
    note("figures")
    data = build_report(published.release(), request)
    return render(data, output_format, progress)
