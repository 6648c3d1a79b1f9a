"""Real browser runs: Debian's Chromium driven by Playwright against a real uvicorn server,
once with JavaScript on and once with it off (our stand-in for Tor Browser's safest level).

Set HAVENWATCH_SCREENSHOTS=<folder> to also save the main pages at desktop and phone widths.
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

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import generate
from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.web.app import create_app
from tests.web.conftest import PASSWORD, build_world

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    for name in (
        "HAVENWATCH_DATA_DIR",
        "HAVENWATCH_DATABASE_URL",
        "HAVENWATCH_KEY_FILE",
        "HAVENWATCH_DATA_KEY",
    ):
        os.environ.pop(name, None)
    root = tmp_path_factory.mktemp("browser")
    settings: Settings = resolve_settings(root / "data", None, root / "keys" / "data.key")
    db = initialise(settings)
    world = build_world(settings, db)
    load_files(db, generate(40, seed=11), "demo")
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, db=db),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        server_header=False,
        date_header=False,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", world.ids
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


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_caseworker_day_in_a_real_browser(
    server: tuple[str, dict[str, str]], browser: object, javascript: bool
) -> None:
    base, ids = server
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )  # type: ignore[attr-defined]
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    _login(page, base, "caseworker-a")
    assert page.locator("h1").inner_text() == "Dashboard"

    suffix = "on" if javascript else "off"
    page.goto(f"{base}/people/new")
    page.fill("#pseudonym", f"Browser Kite {suffix}")
    page.fill("#full_name", "Ilya Karpinsky")
    page.click("form[action='/people'] button[type=submit]")
    assert page.locator("h1").inner_text() == f"Browser Kite {suffix}"

    page.click("text=New case")
    page.fill("#title", f"Kite {suffix} v. RS")
    page.click("form[action='/cases'] button[type=submit]")
    assert page.locator("h1").inner_text() == f"Kite {suffix} v. RS"

    page.select_option("#new-type", "expulsion_order")
    page.fill("#new-date", "2026-11-20")
    page.fill("#new-served_on", "2026-11-21")
    page.fill("#new-deadline_days", "15")
    page.click("form[action$='/events'] button[type=submit]")
    assert page.locator(".timeline h3").first.inner_text() == "Ordered to leave"

    page.goto(f"{base}/leads/{ids['lead_a']}")
    if page.locator("#accept-case").count():
        page.select_option("#accept-case", label=f"Kite {suffix} v. RS")
        page.click("form[action$='/accept'] button[type=submit]")
        assert "Accepted" in page.locator(".badge").first.inner_text()

    page.goto(f"{base}/search?q=Karpinsky")
    assert page.locator(f"text=Browser Kite {suffix}").count() >= 1

    page.goto(f"{base}/settings")
    page.check("#locale-ru")
    page.click("form[action='/settings/language'] button[type=submit]")
    page.goto(f"{base}/")
    assert page.locator("h1").inner_text() == "Обзор"
    page.goto(f"{base}/settings")
    page.check("#locale-en")
    page.click("form[action='/settings/language'] button[type=submit]")
    assert all(url.startswith(base) for url in requests), [
        u for u in requests if not u.startswith(base)
    ]
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_edit_a_person_delete_an_event_and_reopen_a_case_in_a_real_browser(
    server: tuple[str, dict[str, str]], browser: object, javascript: bool
) -> None:
    base, _ids = server
    context = browser.new_context(java_script_enabled=javascript)  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "caseworker-a")
    suffix = "on" if javascript else "off"
    page.goto(f"{base}/people/new")
    page.fill("#pseudonym", f"Browser Wren {suffix}")
    page.fill("#full_name", "Sergei Lapshin")
    page.click("form[action='/people'] button[type=submit]")

    page.click("text=Edit person")
    page.fill("#full_name", f"Marina Orlova{suffix}")
    page.click("form.panel button[type=submit]")
    assert page.locator("h1").inner_text() == f"Browser Wren {suffix}"
    page.goto(f"{base}/search?q=Orlova{suffix}")
    assert page.locator(f"text=Browser Wren {suffix}").count() == 1

    page.goto(f"{base}/people")
    page.click(f"text=Browser Wren {suffix}")
    page.click("text=New case")
    page.fill("#title", f"Wren {suffix} v. RS")
    page.click("form[action='/cases'] button[type=submit]")
    page.select_option("#new-type", "entry_ban")
    page.click("form[action$='/events'] button[type=submit]")
    page.click(".timeline >> text=Delete event")
    assert page.locator("h1").inner_text() == "Delete event"
    page.click("form[action$='/delete'] button[type=submit]")
    assert page.locator(".timeline").count() == 0

    page.click("form[action$='/status'] button[type=submit]")
    page.select_option("#reopen-reason", "closed_in_error")
    page.click("form[action$='/reopen'] button[type=submit]")
    assert page.locator("form[action$='/status']").count() == 1
    context.close()


SCREENS = [
    "/",
    "/cases",
    "/cases/{case}",
    "/people/{person}?identity=1",
    "/leads/{lead}",
    "/search?q=heron",
    "/admin/users",
    "/transfer",
    "/login",
]


@pytest.mark.skipif(
    not os.environ.get("HAVENWATCH_SCREENSHOTS"), reason="set HAVENWATCH_SCREENSHOTS to a folder"
)
def test_screenshots_of_main_pages(server: tuple[str, dict[str, str]], browser: object) -> None:
    base, ids = server
    folder = Path(os.environ["HAVENWATCH_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        page = context.new_page()
        _login(page, base, "admin-a")
        for path in SCREENS:
            page.goto(_page_url(base, ids, path))
            name = (
                path.strip("/").split("?")[0].replace("/", "_").replace("{", "").replace("}", "")
                or "dashboard"
            )
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=width > 400)
        context.close()


AXE_PAGES = [
    "/",
    "/cases",
    "/cases?status=open&country=RS",
    "/cases/{case}",
    "/cases/{case}/events/{event}/edit",
    "/cases/{case}/documents/{document}/about",
    "/people",
    "/people/{person}?identity=1",
    "/leads",
    "/leads/{lead}",
    "/sources",
    "/search?q=heron",
    "/transfer",
    "/settings",
    "/admin/users",
    "/admin/audit",
    "/admin/feeds",
    "/statistics?period=2026",
]
# Every page a user reaches from the menu or a record, in each locale's longest words.
PHONE_PAGES = [
    *AXE_PAGES,
    "/cases/new",
    "/people/new",
    "/people/{person}/edit",
    "/cases/{case}/events/{event}/delete",
    "/sources/{source}",
    "/search?q=Vrabac",
    "/report",
]
PHONE_LOCALES = ("en", "ru", "sr_Latn", "sr_Cyrl")
WCAG_LEVEL_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _page_url(base: str, ids: dict[str, str], path: str) -> str:
    return base + path.format(
        case=ids["case_a"],
        event=ids["event_a"],
        person=ids["person_a"],
        lead=ids["lead_b"],
        document=ids["document_a"],
        source=ids["source_free"],
    )


def _axe_violations(page: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_LEVEL_AA)
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("locale", ["en", "ru", "sr_Latn"])
def test_main_pages_pass_axe_core_wcag_aa_checks(
    server: tuple[str, dict[str, str]], browser: object, locale: str
) -> None:
    base, ids = server
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/login")
    assert _axe_violations(page) == [], "/login"
    _login(page, base, "admin-a")
    _choose_language(page, base, locale)
    found: dict[str, list[str]] = {}
    for path in AXE_PAGES:
        page.goto(_page_url(base, ids, path))
        assert page.locator("h1").count() == 1, path
        violations = _axe_violations(page)
        if violations:
            found[path] = violations
    _choose_language(page, base, "en")
    context.close()
    assert found == {}


def test_main_pages_fit_a_phone_screen_without_sideways_scrolling(
    server: tuple[str, dict[str, str]], browser: object
) -> None:
    """Wide tables scroll inside their own box; the page itself never scrolls sideways, in
    any interface language."""
    base, ids = server
    context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = context.new_page()
    _login(page, base, "admin-a")
    too_wide: dict[str, int] = {}
    for locale in PHONE_LOCALES:
        _choose_language(page, base, locale)
        for path in PHONE_PAGES:
            page.goto(_page_url(base, ids, path))
            width = int(page.evaluate("document.documentElement.scrollWidth"))
            if width > 360:
                too_wide[f"{locale} {path}"] = width
    _choose_language(page, base, "en")
    context.close()
    assert too_wide == {}


def test_the_axe_core_check_finds_a_planted_unlabelled_field(browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_content("<html lang='en'><title>t</title><main><input type=text></main></html>")
    assert any(found.startswith("label:") for found in _axe_violations(page))
    context.close()


def _choose_language(page: object, base: str, locale: str) -> None:
    page.goto(f"{base}/settings")  # type: ignore[attr-defined]
    page.check(f"#locale-{locale}")  # type: ignore[attr-defined]
    page.click("form[action='/settings/language'] button[type=submit]")  # type: ignore[attr-defined]


def test_keyboard_alone_signs_in_skips_to_content_and_files_a_search(
    server: tuple[str, dict[str, str]], browser: object
) -> None:
    base, _ids = server
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{base}/login")
    _tab_to(page, "#username")
    page.keyboard.type("caseworker-a")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    _tab_to(page, "#quick-q")
    page.keyboard.type("Heron")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/search?q=Heron")
    assert page.locator("h1").count() == 1
    context.close()


def _focused_id(page: object) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))  # type: ignore[attr-defined]


def _tab_to(page: object, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus: it must be reachable by keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        if page.evaluate(f"document.activeElement.matches({selector!r})"):  # type: ignore[attr-defined]
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")
