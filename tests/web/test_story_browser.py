"""The Novi Sad story, recorded in a real browser with JavaScript off: "a 41-year-old Russian
journalist living in Novi Sad, residence revoked on 3 March 2025 on a BIA opinion, 30 days to
leave". A coordinator defines the fields the story needs (occupation, city, decision number,
court file number, lawyer); a caseworker records the person (age turned into a year of birth),
the case with its fields and the revocation, and finds every value on the pages, the city and
the numbers only behind the audited identity and notes reads.

The documents part of the story (uploading the decision as a PDF and a DOCX and finding it by a
word inside it) belongs to the searchable-documents work and is not exercised here.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from havenwatch.core.clock import today
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database
from havenwatch.store.schema import custom_values
from havenwatch.web.app import create_app
from tests.web.conftest import PASSWORD, build_world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="browser tests need Debian's /usr/bin/chromium"
    ),
]
FIELDS = [
    # key, record, kind, English, Russian, Serbian, identifying
    ("occupation", "person", "text", "Occupation", "Профессия", "Zanimanje", False),
    ("city", "person", "text", "City", "Город", "Grad", True),
    ("decision_number", "case", "text", "Decision number", "Номер решения", "Broj rešenja", True),
    ("court_file_number", "case", "text", "Court file number", "Номер дела в суде",
     "Broj sudskog predmeta", True),
    ("lawyer", "case", "text", "Lawyer", "Адвокат", "Advokat", False),
]  # fmt: skip
DECISION = "03-26-1187/25"
COURT_FILE = "U 4471/25"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    for name in ("HAVENWATCH_DATA_DIR", "HAVENWATCH_DATABASE_URL", "HAVENWATCH_KEY_FILE"):
        os.environ.pop(name, None)
    root = tmp_path_factory.mktemp("story")
    settings: Settings = resolve_settings(root / "data", None, root / "keys" / "data.key")
    db = initialise(settings)
    build_world(settings, db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        create_app(settings, db=db), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield launched
        launched.close()


def _login(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("#username", username)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.click("form[action='/login'] button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def _define_the_fields(page: object, base: str) -> None:
    """The coordinator defines the story's fields on the administration page."""
    for key, record, kind, english, russian, serbian, identifying in FIELDS:
        page.goto(f"{base}/admin/fields")  # type: ignore[attr-defined]
        page.select_option("#team", "team-a")  # type: ignore[attr-defined]
        page.select_option("#applies_to", record)  # type: ignore[attr-defined]
        page.fill("#key", key)  # type: ignore[attr-defined]
        page.select_option("#kind", kind)  # type: ignore[attr-defined]
        page.fill("#label_en", english)  # type: ignore[attr-defined]
        page.fill("#label_ru", russian)  # type: ignore[attr-defined]
        page.fill("#label_sr_Latn", serbian)  # type: ignore[attr-defined]
        if identifying:
            page.check("#identifying")  # type: ignore[attr-defined]
        page.click("form[action='/admin/fields'] button[type=submit]")  # type: ignore[attr-defined]
        assert page.locator(f"td code:text-is('{key}')").count() == 1  # type: ignore[attr-defined]


def _fact(page: object, key: str) -> str:
    return str(page.locator(f"dd[data-field='{key}']").first.inner_text()).strip()  # type: ignore[attr-defined]


def test_the_novi_sad_story_is_recorded_with_its_fields_with_javascript_off(
    server: tuple[str, Database], browser: object
) -> None:
    base, db = server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "admin-a")
    _define_the_fields(page, base)
    context.close()

    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "caseworker-a")
    page.goto(f"{base}/people/new")
    page.fill("#pseudonym", "Novi Sad journalist")
    page.fill("#nationality", "RU")
    page.fill("#age", "41")
    page.fill("#custom_occupation", "journalist")
    page.fill("#custom_city", "Novi Sad")
    page.click("form[action='/people'] button[type=submit]")
    assert page.locator("h1").inner_text() == "Novi Sad journalist"
    assert _fact(page, "occupation") == "journalist"
    assert _fact(page, "city") == "encrypted"
    assert str(today().year - 41) in page.locator("dl.facts").first.inner_text()
    page.click("text=Show identity")
    assert _fact(page, "city") == "Novi Sad"

    page.click("text=New case")
    page.fill("#title", "Residence revoked, Novi Sad")
    page.fill("#opened_on", "03.03.2025")
    page.fill("#custom_decision_number", DECISION)
    page.fill("#custom_court_file_number", COURT_FILE)
    page.fill("#custom_lawyer", "Advokatska kancelarija Petrović")
    page.click("form[action='/cases'] button[type=submit]")
    assert page.locator("h1").inner_text() == "Residence revoked, Novi Sad"
    case_page = page.url.split("#")[0]
    assert _fact(page, "decision_number") == DECISION
    assert _fact(page, "court_file_number") == COURT_FILE
    assert _fact(page, "lawyer") == "Advokatska kancelarija Petrović"
    assert _fact(page, "occupation") == "journalist"

    page.select_option("#new-type", "residence_revoked")
    page.fill("#new-date", "2025-03-03")
    page.fill("#new-served_on", "2025-03-03")
    page.select_option("#new-authority", "security_agency")
    page.fill("#new-deadline_days", "30")
    page.click("form[action$='/events'] button[type=submit]")
    assert page.locator(".timeline h3").first.inner_text() == "Residence permit revoked"

    # A lawyer changes firm: the case page's own form, JavaScript off.
    page.click("text=Change the case's fields")
    page.fill("#custom_lawyer", "Advokat Jelena Marković")
    page.click("form[action$='/fields'] button[type=submit]")
    assert _fact(page, "lawyer") == "Advokat Jelena Marković"
    assert _fact(page, "decision_number") == DECISION

    page.goto(f"{base}/settings")
    page.check("#locale-sr_Cyrl")
    page.click("form[action='/settings/language'] button[type=submit]")
    page.goto(case_page)
    fields = page.locator("#fields").inner_text()
    assert "Број решења" in fields and "Занимање" in fields and DECISION in fields
    context.close()

    with db.read() as conn:
        rows = conn.execute(select(custom_values)).all()
    assert sorted(row.value for row in rows if row.value) == [
        "Advokat Jelena Marković", "journalist",
    ]  # fmt: skip
    assert all(DECISION.encode() not in bytes(row.sealed or b"") for row in rows)
    assert len([row for row in rows if row.sealed]) == 3
