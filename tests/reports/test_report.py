"""The public report: rendered from a published release in every language, as HTML and as PDF
whose pages are not blank, every figure in it recomputed here from the events themselves, and
a PDF converter that fetches nothing but the report's own data."""

from __future__ import annotations

import subprocess
import threading
from collections import defaultdict
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result
from lxml import html as lxml_html
from PIL import Image
from sqlalchemy import select

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import generate
from havenwatch.cli import cli
from havenwatch.core.settings import Settings
from havenwatch.reports.anonymise import EventRecord, anonymise
from havenwatch.reports.language import ReportLanguage
from havenwatch.reports.publication import latest_release, publish_release
from havenwatch.reports.release import Shortfall
from havenwatch.reports.report import ReportRequest, build_report
from havenwatch.reports.report_document import OwnDataOnly, render_html, render_pdf
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events

K = 5
CASES = 400
LANGUAGES = {"en": "en", "ru": "ru", "sr": "sr_Latn", "sr-Cyrl": "sr_Cyrl"}
HEADINGS = {
    "en": "Measures against exiled activists",
    "ru": "Меры против активистов в эмиграции",
    "sr_Latn": "Mere protiv aktivista u egzilu",
    "sr_Cyrl": "Мере против активиста у егзилу",
}


@pytest.fixture
def published(db: Database) -> Database:
    load_files(db, generate(CASES, seed=2024, upto=date(2026, 1, 31)), "test")
    publish_release(db, actor="test", k=K)
    return db


def _run(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "--data-dir", str(settings.data_dir),
            "--database-url", settings.database_url,
            "--key-file", str(settings.key_file),
            *args,
        ],
    )  # fmt: skip


def _report(settings: Settings, target: Path, *options: str) -> Result:
    return _run(
        settings, "report", "--from", "2024-01", "--to", "2025-12", "--output", str(target),
        *options,
    )  # fmt: skip


def pages_are_not_blank(pdf: Path, folder: Path) -> int:
    subprocess.run(
        ["/usr/bin/pdftoppm", "-r", "40", "-gray", str(pdf), str(folder / "page")], check=True
    )
    pages = sorted(folder.glob("page*.pgm"))
    for page in pages:
        with Image.open(page) as image:
            dark = sum(count for level, count in enumerate(image.histogram()) if level < 128)
        assert dark > 20, f"{page.name} is blank"
    return len(pages)


def test_the_report_renders_in_html_and_pdf_in_every_language(
    published: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    for language, locale in LANGUAGES.items():
        page = tmp_path / f"report-{language}.html"
        pdf = tmp_path / f"report-{language}.pdf"

        made_html = _report(instance_settings, page, "--language", language)
        made_pdf = _report(instance_settings, pdf, "--language", language, "--format", "pdf")

        assert made_html.exit_code == 0, made_html.output
        assert made_pdf.exit_code == 0, made_pdf.output
        tree = lxml_html.fromstring(page.read_bytes())
        assert tree.get("lang") == ReportLanguage(locale).html_lang
        assert tree.findtext(".//h1") == HEADINGS[locale]
        images = tree.xpath("//img")
        assert images and all(img.get("src").startswith("data:image/png;base64,") for img in images)
        assert all(img.get("alt") for img in images)
        assert not tree.xpath("//script | //link | //*[@href and not(self::a)]")
        assert tree.xpath("//section[@id='methodology']//h3")
        assert len(tree.xpath("//section[@id='codebook']//tbody/tr")) >= 10
        assert pdf.read_bytes().startswith(b"%PDF")
        pages = tmp_path / language
        pages.mkdir()
        assert pages_are_not_blank(pdf, pages) >= 2


def _period(first: date | None, last: date | None, time: str) -> str | None:
    """The period an event falls in when its type is published by month, year or in all."""
    if time == "all":
        return "all"
    if first is None or last is None or first.year != last.year:
        return None
    if time == "year" or first.month != last.month:
        return f"{first.year:04d}"
    return f"{first.year:04d}-{first.month:02d}"


def people_per_type_and_period(db: Database, times: dict[str, str]) -> dict[tuple[str, str], int]:
    """Recounted from the events table: distinct people per event type and period, each type
    at the granularity the release says it was published at."""
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    query = select(
        cases.c.person_id, events.c.type, events.c.date_earliest, events.c.date_latest
    ).join(cases, cases.c.id == events.c.case_id)
    with db.read() as conn:
        for person, kind, first, last in conn.execute(query):
            period = _period(first, last, times.get(kind, "month"))
            if period is not None:
                who[kind, period].add(person)
    return {key: len(people) for key, people in who.items()}


def people_per_grounds(db: Database, times: dict[str, str]) -> dict[tuple[str, str, str], int]:
    """Recounted from the events table: distinct people per event type, period and grounds."""
    who: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    query = select(
        cases.c.person_id, events.c.type, events.c.grounds, events.c.date_earliest,
        events.c.date_latest,
    ).join(cases, cases.c.id == events.c.case_id)  # fmt: skip
    with db.read() as conn:
        for person, kind, grounds, first, last in conn.execute(query):
            period = _period(first, last, times.get(kind, "month"))
            if period is not None:
                who[kind, period, grounds or "unknown"].add(person)
    return {key: len(people) for key, people in who.items()}


def _number(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    return -int(digits) if text.strip().startswith(("-", "−")) else int(digits)


def _inside(period: str, months: list[str]) -> bool:
    return period in months or (f"{period}-01" in months and f"{period}-12" in months)


def test_every_figure_in_the_report_is_recomputed_from_the_events(
    published: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    assert _report(instance_settings, page, "--language", "ru").exit_code == 0
    tree = lxml_html.fromstring(page.read_bytes())
    version = latest_release(published)
    assert version is not None
    release = version.release()
    times = {kind: level.split("/")[0] for kind, level in release.levels}
    truth = people_per_type_and_period(published, times)

    cells = tree.xpath("//td[@data-cell]")
    assert cells, "the report publishes figures"
    shown: dict[str, list[str]] = defaultdict(list)
    for cell in cells:
        kind, period = cell.get("data-cell").split("|")
        assert _number(cell.text_content()) == truth[kind, period], (kind, period)
        assert truth[kind, period] >= K
        shown[kind].append(period)

    months = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
    earlier = [f"{year}-{month:02d}" for year in (2022, 2023) for month in range(1, 13)]
    totals = {
        (c.event_type, c.period)
        for c in release.counts
        if c.nationality == "ALL" and c.host_country == "ALL" and c.period != "all"
    }
    for cell in tree.xpath("//td[@data-sum]"):
        kind, which = cell.get("data-sum").split("|")
        now = sum(truth[kind, p] for p in shown[kind] if p != "all")
        before = sum(truth[t, p] for t, p in totals if t == kind and _inside(p, earlier))
        expected = {"now": now, "before": before, "change": now - before}[which]
        assert _number(cell.text_content()) == expected, (kind, which)
    by_grounds = people_per_grounds(published, times)
    published_grounds = {
        (c.grounds, c.event_type, c.period) for c in release.counts if c.grounds != "ALL"
    }
    grounds_cells = tree.xpath("//td[@data-grounds]")
    assert grounds_cells, "the report shows figures per grounds"
    for cell in grounds_cells:
        grounds, which = cell.get("data-grounds").split("|")
        period_months = {"now": months, "before": earlier}[which]
        expected = sum(
            by_grounds[kind, period, grounds]
            for g, kind, period in published_grounds
            if g == grounds and period != "all" and _inside(period, period_months)
        )
        assert _number(cell.text_content()) == expected, (grounds, which)
        assert all(
            by_grounds[kind, period, grounds] >= K
            for g, kind, period in published_grounds
            if g == grounds
        )
    numbers = tree.xpath("//td[contains(@class, 'n')][not(. = '–')]")
    checked = len(cells) + len(tree.xpath("//td[@data-sum]")) + len(grounds_cells)
    assert len(numbers) == checked, "every figure is checked"
    assert all(_inside(p, months) for kinds in shown.values() for p in kinds if p != "all")


class Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *_args: object) -> None:
        return None


def test_the_pdf_converter_refuses_an_address_planted_in_the_html(
    published: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}"
    page = tmp_path / "report.html"
    assert _report(instance_settings, page).exit_code == 0
    planted = page.read_text().replace(
        "</head>",
        f'<link rel="stylesheet" href="{address}/leak.css"></head>'
        f'<img src="{address}/leak.png" alt="">',
    )
    fetcher = OwnDataOnly()

    pdf = render_pdf(planted, fetcher)

    server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert Recorder.requests == []
    assert f"{address}/leak.css" in fetcher.refused
    assert f"{address}/leak.png" in fetcher.refused


def test_a_bad_month_or_language_is_one_clear_line(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "r.html"
    bad_month = _run(instance_settings, "report", "--from", "2024-13", "--to", "2025-01",
                     "--output", str(target))  # fmt: skip
    bad_language = _report(instance_settings, target, "--language", "de")
    nothing = _report(instance_settings, target)

    assert bad_month.exit_code == 2 and "'2024-13' is not a month" in bad_month.output
    assert bad_language.exit_code == 2 and "not a report language" in bad_language.output
    assert nothing.exit_code == 1 and "no release is published yet" in nothing.output
    assert "Traceback" not in nothing.output and not target.exists()


def _people(
    prefix: str, count: int, kind: str, day: date, grounds: str | None
) -> list[EventRecord]:
    return [EventRecord(f"{prefix}{n}", "RU", "RS", kind, day, day, grounds) for n in range(count)]


def test_a_grounds_is_new_only_where_the_previous_period_was_published_too() -> None:
    now, before = date(2024, 5, 10), date(2023, 5, 10)
    records = [
        *_people("a", 12, "entry_ban", before, "public_order"),
        *_people("b", 6, "entry_ban", now, "public_order"),
        *_people("c", 7, "entry_ban", now, "national_security"),
        *_people("d", 2, "entry_ban", now, "other"),
        *_people("e", 5, "entry_ban", now, None),
        *_people("f", 2, "detention", before, "documents"),
        *_people("g", 8, "detention", now, "documents"),
    ]
    release = anonymise(records, K, "monthly").as_version(1, "2026-01-05")

    data = build_report(release, ReportRequest("2024-01", "2025-12", locale="en"))

    changes = {change.grounds: change for change in data.grounds}
    assert data.new_grounds == ("national_security",)
    assert (changes["public_order"].before, changes["public_order"].now) == (12, 6)
    assert not changes["public_order"].new
    assert changes["documents"].not_comparable == ("detention",)
    assert not changes["documents"].new, "its previous period was withheld whole"
    assert "other" not in changes, "two people: withheld, and one more row with them"
    assert "unknown" not in changes, "the row hidden with the two"
    assert Shortfall("entry_ban", "2024-05", "ALL", "ALL", 3, "other") in release.shortfalls
    assert release.suppressed_grounds == 2
    page = lxml_html.fromstring(render_html(data))
    new = page.xpath("//p[@id='new-grounds']")[0].text_content()
    assert new.split(":")[1].strip() == "National security"
    (blind,) = page.xpath("//ul[@id='grounds-not-comparable']/li")
    assert "Detained" in blind.text_content() and "Entry ban" not in blind.text_content()
