"""The review queue in a real browser with JavaScript off: correct a misread lead, accept it,
follow the link to the event, see the next lead about the person match them; bulk-reject."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from havenwatch.access.scope import Scope
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Source
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database
from havenwatch.web.app import create_app
from tests.helpers import add_lead
from tests.web.conftest import build_world
from tests.web.test_browser import CHROMIUM, _free_port, _login
from tests.web.test_browser import browser as browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="browser tests need Debian's /usr/bin/chromium"
    ),
]


def _lead(
    db: Database, title: str, outlet: str, name: str, event_type: str = "expulsion_order"
) -> str:
    text = f"{name} had his residence permit revoked in Novi Sad."
    source, _ = add_source(
        db, Source(title=title, text=text, publisher=outlet), "test", scope=Scope.everything()
    )
    return add_lead(db, source.id or "", text, subject=name, event_type=event_type)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    for name in ("HAVENWATCH_DATA_DIR", "HAVENWATCH_DATABASE_URL", "HAVENWATCH_KEY_FILE"):
        os.environ.pop(name, None)
    root = tmp_path_factory.mktemp("triage-browser")
    settings = resolve_settings(root / "data", None, root / "keys" / "data.key")
    db = initialise(settings)
    ids = build_world(settings, db).ids
    ids["misread"] = _lead(db, "Permit revoked in Novi Sad", "Danas", "Ilji Zelenk")
    ids["second"] = _lead(db, "Activist loses his permit", "N1", "Ilija Zelenković")
    for number in (1, 2):
        _lead(db, f"Advert {number}", "Spam Daily", f"Nobody Special{number}")
    ids["turned_back"] = _lead(db, "Turned back at the border", "Beta", "Mira Kostić", "entry_ban")
    port = _free_port()
    config = uvicorn.Config(create_app(settings, db=db), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def test_a_reviewer_corrects_accepts_and_the_next_lead_matches_with_javascript_off(
    server: tuple[str, dict[str, str]], browser: object
) -> None:
    base, ids = server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "caseworker-a")
    page.goto(f"{base}/leads?outlet=Danas")
    assert "Ilji Zelenk" in page.locator("table").inner_text()
    page.click("text=Permit revoked in Novi Sad")
    page.fill("#fix-name", "Ilija Zelenković")
    page.select_option("#fix-type", "residence_revoked")
    page.fill("#accept-pseudonym", "Wren")
    page.click("form[action$='/accept'] button[type=submit]")
    page.click("#decided-event")
    assert page.locator("h1").inner_text() == "Wren: residence revoked, RS"
    assert "Residence permit revoked" in page.locator("main").inner_text()
    page.goto(f"{base}/leads/{ids['second']}")
    match = page.locator("section[aria-labelledby='match-title']").inner_text()
    assert "Wren" in match and "Full name matches a recorded spelling" in match
    context.close()


def test_a_reviewer_rejects_several_leads_at_once_with_javascript_off(
    server: tuple[str, dict[str, str]], browser: object
) -> None:
    base, _ids = server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "caseworker-a")
    page.goto(f"{base}/leads?outlet=Spam+Daily")
    boxes = page.locator("input[name='lead_id']")
    assert boxes.count() == 2
    for number in range(2):
        boxes.nth(number).check()
    page.fill("#bulk-reason", "advertising, not news")
    page.click("form[action='/leads/bulk-reject'] button[type=submit]")
    assert page.url.endswith("/leads?status=new&outlet=Spam+Daily")
    assert "The queue is empty." in page.locator("main").inner_text()
    page.goto(f"{base}/leads?outlet=Spam+Daily&status=rejected")
    assert page.locator("table tbody tr").count() == 2
    context.close()


def test_a_reviewer_sorts_the_queue_and_corrects_the_nationality_with_javascript_off(
    server: tuple[str, dict[str, str]], browser: object
) -> None:
    base, _ids = server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "caseworker-a")
    page.goto(f"{base}/leads")
    page.select_option("#f-sort", "type")
    page.click("form.filters button[type=submit]")
    assert "sort=type" in page.url
    first_row = page.locator("table tbody tr").first.inner_text()
    assert "Turned back at the border" in first_row  # entry_ban sorts before the others
    page.click("text=Turned back at the border")
    page.fill("#fix-nationality", "by")
    page.select_option("#fix-gender", "female")
    page.fill("#fix-age", "29")
    page.fill("#accept-pseudonym", "Lark")
    page.click("form[action$='/accept'] button[type=submit]")
    page.click("#decided-event")
    page.click("main a[href^='/people/']")
    assert "BY" in page.locator("main").inner_text()
    context.close()
