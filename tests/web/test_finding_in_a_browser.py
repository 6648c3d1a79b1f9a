"""In a real browser with JavaScript off: a decision uploaded as a PDF and as a Word file is
found by a word inside in Cyrillic and in Latin and shows the original's hash; a phone's HEIC
photo is confirmed converted with its GPS position removed, and a scan read (when tesseract is
installed); a Serbian
Excel sheet is previewed (matched people by pseudonym), remapped and imported; both pages fit
a 360 px phone screen."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from havenwatch.media.ocr import find_tesseract
from tests.cases.sheet_samples import xlsx_of
from tests.media.document_samples import docx_with_text, pdf_with_text
from tests.media.test_heic_and_ocr import SECRET, encoded, heic_with_gps, scanned_letter
from tests.web.test_browser import CHROMIUM, _login
from tests.web.test_browser import browser as browser
from tests.web.test_browser import server as server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="browser tests need Debian's /usr/bin/chromium"
    ),
]
PDF = pdf_with_text("Resenje o prestanku boravka, Novi Sad, 3. mart 2025")
DOCX = docx_with_text("Жалба на решење о престанку боравка", "Управни суд, Београд")


@pytest.fixture
def page(server: tuple[str, dict[str, str]], browser: object) -> Iterator[object]:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    opened = context.new_page()
    _login(opened, server[0], "caseworker-a")
    yield opened
    context.close()


def _fits_a_phone(page: object) -> bool:
    page.set_viewport_size({"width": 360, "height": 740})  # type: ignore[attr-defined]
    width = int(page.evaluate("document.documentElement.scrollWidth"))  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": 800})  # type: ignore[attr-defined]
    return width <= 360


def _upload(page: object, base: str, case_id: str, name: str, data: bytes) -> None:
    page.goto(f"{base}/cases/{case_id}")  # type: ignore[attr-defined]
    page.set_input_files(  # type: ignore[attr-defined]
        "#document", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.select_option("#document_type", "decision")  # type: ignore[attr-defined]
    page.check("#keep_original")  # type: ignore[attr-defined]
    page.click("form[action$='/documents'] button[type=submit]")  # type: ignore[attr-defined]


def test_a_decision_is_found_by_a_word_inside_in_either_script_with_javascript_off(
    server: tuple[str, dict[str, str]], page: object
) -> None:
    base, ids = server
    _upload(page, base, ids["case_a"], "resenje-novi-sad.pdf", PDF)
    _upload(page, base, ids["case_a"], "zalba.docx", DOCX)
    for word, expected in (
        ("престанку", {"resenje-novi-sad.pdf", "zalba.docx"}),
        ("prestanku boravka", {"resenje-novi-sad.pdf", "zalba.docx"}),
        ("Нови Сад", {"resenje-novi-sad.pdf"}),
        ("Beograd", {"zalba.docx"}),
    ):
        page.goto(f"{base}/search")  # type: ignore[attr-defined]
        page.fill("#search-q", word)  # type: ignore[attr-defined]
        page.click("form[role=search] button[type=submit]")  # type: ignore[attr-defined]
        found = set(page.locator("#r-documents + ul a").all_inner_texts())  # type: ignore[attr-defined]
        assert found == expected, word
    assert _fits_a_phone(page)
    page.get_by_role("link", name="zalba.docx").click()  # type: ignore[attr-defined]
    assert hashlib.sha256(DOCX).hexdigest() in page.content()  # type: ignore[attr-defined]


def test_a_serbian_excel_sheet_is_previewed_remapped_and_imported_with_javascript_off(
    server: tuple[str, dict[str, str]], page: object
) -> None:
    base, _ = server
    sheet = xlsx_of(
        [
            ["Pseudonim", "Zemlja boravka", "Vrsta događaja", "Organ", "Beleške"],
            ["Heron Alpha", "RS", "Zabrana ulaska", "MUP", "aerodrom"],
            ["Vivak", "RS", "protjerivanje", "BIA", ""],
        ]
    )
    page.goto(f"{base}/transfer")  # type: ignore[attr-defined]
    page.set_input_files(  # type: ignore[attr-defined]
        "#file", files=[{"name": "spisak.xlsx", "mimeType": "application/zip", "buffer": sheet}]
    )
    page.click("form[action='/transfer/import'] button[type=submit]")  # type: ignore[attr-defined]
    rows = page.locator("#preview-rows tbody tr").all_inner_texts()  # type: ignore[attr-defined]
    assert "Heron Alpha" in rows[0] and "matched" in rows[0] and "open case" in rows[0]
    assert "Vivak" in rows[1] and "new" in rows[1]
    assert page.input_value("#column-4") == "notes"  # type: ignore[attr-defined]
    assert _fits_a_phone(page)
    page.select_option("#column-4", "")  # type: ignore[attr-defined]
    page.click("button[value=preview]")  # type: ignore[attr-defined]
    assert page.input_value("#column-4") == ""  # type: ignore[attr-defined]
    page.click("button[value=import]")  # type: ignore[attr-defined]
    assert "Import finished" in page.content()  # type: ignore[attr-defined]
    page.goto(f"{base}/search?q=Vivak")  # type: ignore[attr-defined]
    assert page.locator("#r-people + ul a").all_inner_texts() == ["Vivak"]  # type: ignore[attr-defined]


def test_a_phone_photo_and_a_scan_are_confirmed_cleaned_and_read_with_javascript_off(
    server: tuple[str, dict[str, str]], page: object
) -> None:
    base, ids = server
    _upload(page, base, ids["case_a"], "IMG_0042.HEIC", heic_with_gps(SECRET))
    report = page.locator("#upload-report").inner_text()  # type: ignore[attr-defined]
    assert "IMG_0042.HEIC" in report and "converted to JPEG" in report
    assert "GPS position" in report and SECRET not in page.content()  # type: ignore[attr-defined]
    assert _fits_a_phone(page)
    _upload(page, base, ids["case_a"], "skenirano.png", encoded(scanned_letter(), "PNG"))
    report = page.locator("#upload-report").inner_text()  # type: ignore[attr-defined]
    if find_tesseract() is None:
        assert "not read from the image" in report
        return
    assert "read from the image (OCR" in report
    page.goto(f"{base}/search?q=прекращении")  # type: ignore[attr-defined]
    assert page.locator("#r-documents + ul a").all_inner_texts() == ["skenirano.png"]  # type: ignore[attr-defined]
