"""The upload form records a document as evidence; its page shows both hashes, the events it
proves and its chain of custody; the original goes only to those allowed."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from PIL import Image

from tests.helpers import snapshot
from tests.web.conftest import World, csrf_of


def _photo_with_author(author: str) -> bytes:
    image, exif = Image.new("RGB", (24, 16), (10, 120, 30)), Image.Exif()
    exif[0x013B] = author  # Artist
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _upload(client: TestClient, case_id: str, data: bytes, **fields: str) -> object:
    return client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": csrf_of(client), **fields},
        files={"document": ("rešenje.jpg", data, "image/jpeg")},
        follow_redirects=False,
    )


def test_an_uploaded_decision_shows_both_hashes_its_event_and_its_chain_of_custody(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, case_id = client_as("caseworker-a"), world.ids["case_a"]
    received = _photo_with_author("AUTHOR-SENTINEL-31")
    fields = {"document_type": "decision", "document_date": "03.03.2025", "keep_original": "1"}
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": csrf_of(client), **fields, "event_ids": world.ids["event_a"]},
        files={"document": ("rešenje.jpg", received, "image/jpeg")},
    )
    assert response.status_code == 200
    [about] = [
        link
        for link in re.findall(r'href="(/cases/[^"]+/about)"', response.text)
        if world.ids["document_a"] not in link
    ]
    page = client.get(about).text
    assert hashlib.sha256(received).hexdigest() in page
    cleaned = client.get(about.removesuffix("/about")).content
    assert hashlib.sha256(cleaned).hexdigest() in page and b"AUTHOR-SENTINEL-31" not in cleaned
    assert "3 Mar 2025" in page and "Decision" in page and "Entry refused or banned" in page
    for step in ("Received and encrypted", "Metadata removed", "Linked to an event"):
        assert step in page
    original = client.get(about.removesuffix("/about") + "/original")
    assert original.content == received
    assert "Original downloaded" in client.get(about).text


def test_the_evidence_page_is_in_the_users_language(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "sr_Cyrl"})
    page = client.get(
        f"/cases/{world.ids['case_a']}/documents/{world.ids['document_a']}/about"
    ).text
    assert "Ланац чувања" in page and "Одлука" in page and "Chain of custody" not in page


def test_a_viewer_neither_sees_the_page_nor_downloads_the_original(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, ids = client_as("viewer-a"), world.ids
    base = f"/cases/{ids['case_a']}/documents/{ids['document_a']}"
    assert client.get(f"{base}/about").status_code == 403
    assert client.get(f"{base}/original").status_code == 403


def test_an_event_of_another_case_is_refused_in_the_users_language_and_nothing_is_stored(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    before = {k: v for k, v in snapshot(world.db).items() if k != "audit_log"}
    files = sorted(world.settings.vault_dir.iterdir())
    response = client.post(
        f"/cases/{world.ids['case_a']}/documents",
        data={"csrf_token": csrf_of(client), "event_ids": world.ids["event_b"]},
        files={"document": ("a.jpg", _photo_with_author("x"), "image/jpeg")},
    )
    assert response.status_code == 400
    assert "это событие не относится к этому делу" in response.text
    # Showing the case again is an audited read; nothing else changes, no file is left.
    assert {k: v for k, v in snapshot(world.db).items() if k != "audit_log"} == before
    assert sorted(world.settings.vault_dir.iterdir()) == files
