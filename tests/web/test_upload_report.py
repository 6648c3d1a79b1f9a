"""After an upload the case page confirms what metadata was removed (a HEIC photo's GPS
position, converted to JPEG) and whether the text was read from a scan; the evidence page
says the same from the chain of custody; a scanned letter is found by a word in it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from havenwatch.media.ocr import TESSERACT_ENV
from tests.media.test_heic_and_ocr import (
    SECRET,
    encoded,
    heic_with_gps,
    needs_tesseract,
    scanned_letter,
)
from tests.web.conftest import World, csrf_of


def _upload(client: TestClient, case_id: str, name: str, data: bytes) -> str:
    """Upload and follow the redirect; the case page it lands on."""
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": csrf_of(client), "document_type": "photo"},
        files={"document": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"].startswith(f"/cases/{case_id}?uploaded=")
    return client.get(response.headers["location"]).text


def _report(page: str) -> str:
    found = re.search(
        r'<div class="notice" role="status" id="upload-report">(.*?)</div>', page, re.S
    )
    assert found, "no upload report on the page"
    return found.group(1)


def test_a_heic_photo_is_confirmed_converted_with_its_gps_position_removed(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, case_id = client_as("caseworker-a"), world.ids["case_a"]
    report = _report(_upload(client, case_id, "IMG_0042.HEIC", heic_with_gps(SECRET)))
    assert "IMG_0042.HEIC" in report and "converted to JPEG" in report
    assert "GPS position" in report and "XMP" in report and SECRET not in report
    [about] = re.findall(r'href="(/cases/[^"]+/about)"', client.get(f"/cases/{case_id}").text)[-1:]
    evidence = client.get(about).text
    assert "GPS position" in evidence and "converted to JPEG" in evidence
    assert "image/jpeg" in evidence


def test_the_report_is_in_the_users_language(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    report = _report(_upload(client, world.ids["case_a"], "IMG.HEIC", heic_with_gps(SECRET)))
    assert "GPS-координаты" in report and "преобразовано в JPEG" in report
    assert "GPS position" not in report


def test_a_forged_report_shows_no_unknown_code_and_another_cases_document_nothing(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, ids = client_as("caseworker-a"), world.ids
    query = f"uploaded={ids['document_a']}&removed=gps,<b>x</b>&text=hacked"
    report = _report(client.get(f"/cases/{ids['case_a']}?{query}").text)
    assert "GPS position" in report and "<b>x</b>" not in report and "hacked" not in report
    other = client.get(f"/cases/{ids['case_a']}?uploaded=not-a-document&removed=gps").text
    assert 'id="upload-report"' not in other


def test_without_tesseract_the_page_says_the_text_was_not_read_from_the_image(
    world: World, client_as: Callable[[str], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TESSERACT_ENV, "off")
    client = client_as("caseworker-a")
    page = _upload(client, world.ids["case_a"], "scan.png", encoded(scanned_letter(), "PNG"))
    assert "not read from the image" in _report(page) and "scan.png" in page
    assert "scan.png" not in client.get("/search", params={"q": "prestanku"}).text


@needs_tesseract
def test_a_scanned_letter_is_read_and_found_by_a_word_in_it_on_the_search_page(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, case_id = client_as("caseworker-a"), world.ids["case_a"]
    page = _upload(client, case_id, "skenirano.png", encoded(scanned_letter(), "PNG"))
    assert "read from the image (OCR" in _report(page)
    for word in ("прекращении", "Prestanku", "Kikinda"):
        found = client.get("/search", params={"q": word}).text
        assert "skenirano.png" in found and f"/cases/{case_id}/documents/" in found, word
    assert "skenirano.png" not in client_as("caseworker-b").get("/search?q=Kikinda").text
