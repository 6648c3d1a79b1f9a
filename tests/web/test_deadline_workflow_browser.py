"""A lawyer works a deadline in a real browser with JavaScript off: marks the appeal done,
assigns the departure, and sees the dashboard's Overdue and Due-soon counts change.

Debian's Chromium driven by Playwright against a real uvicorn server (see test_browser.py).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event
from havenwatch.core.clock import today
from havenwatch.core.dates import from_day
from havenwatch.core.model import Event
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.web.app import create_app
from tests.web.conftest import PASSWORD, build_world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="browser tests need Debian's /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A server whose case A holds a revocation served 20 days ago with 30 days to leave:
    its appeal is overdue, its departure due within 14 days."""
    for name in ("HAVENWATCH_DATA_DIR", "HAVENWATCH_DATABASE_URL", "HAVENWATCH_KEY_FILE"):
        os.environ.pop(name, None)
    root = tmp_path_factory.mktemp("steps")
    settings = resolve_settings(root / "data", None, root / "keys" / "data.key")
    db = initialise(settings)
    world = build_world(settings, db)
    day = today() - timedelta(days=20)
    event = add_event(
        db,
        Event(
            case_id=world.ids["case_a"],
            type="residence_revoked",
            date=from_day(day),
            served_on=day,
            deadline_days=30,
        ),
        "test",
        scope=Scope.everything(),
    )
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, db=db), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world.ids["case_a"], event.id or ""
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def _counts(page: Any, base: str) -> tuple[int, int]:
    page.goto(f"{base}/")
    overdue = page.locator("#count-overdue .value").inner_text()
    soon = page.locator("#count-due-soon .value").inner_text()
    return int(overdue), int(soon)


def test_a_step_is_marked_done_and_assigned_without_javascript(
    served: tuple[str, str, str],
) -> None:
    from playwright.sync_api import sync_playwright

    base, case_id, event_id = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(f"{base}/login")
        page.fill("#username", "caseworker-a")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/")
        overdue, soon = _counts(page, base)
        assert overdue >= 1 and soon >= 1

        appeal, departure = f"{event_id}-appeal", f"{event_id}-departure"
        page.goto(f"{base}/cases/{case_id}")
        form = page.locator(f"#resolve-{appeal}")
        page.locator(f"#step-{appeal} + tr summary").click()
        form.locator("input[value=done]").check()
        form.locator("select[name=event_id]").select_option(event_id)
        form.locator("textarea[name=note]").fill("appeal lodged by registered post")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f"#step-{appeal} [data-resolution=done]").count() == 1
        assert "appeal lodged by registered post" in page.locator(f"#step-{appeal}").inner_text()

        page.locator(f"#step-{departure} + tr summary").click()
        assign = page.locator(f"#assign-{departure}")
        assign.locator("select[name=assignee]").select_option(label="caseworker-a")
        assign.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f"#step-{departure} [data-assignee]").inner_text() == "caseworker-a"

        assert _counts(page, base) == (overdue - 1, soon)
        row = page.locator("#deadlines tbody tr", has_text="caseworker-a")
        assert row.count() == 1
        browser.close()
