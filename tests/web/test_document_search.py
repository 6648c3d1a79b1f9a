"""The search page and the API find an uploaded decision by a word inside it, in Cyrillic and
in Latin, for its team's caseworkers only."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.media.document_samples import docx_with_text, pdf_with_text
from tests.web.conftest import World, api_headers, csrf_of


def _upload(client: TestClient, case_id: str, name: str, data: bytes) -> None:
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": csrf_of(client), "document_type": "decision"},
        files={"document": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]


def test_a_decision_is_found_by_a_word_inside_on_the_page_and_in_the_api(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client, case_id = client_as("caseworker-a"), world.ids["case_a"]
    _upload(client, case_id, "resenje-novi-sad.pdf", pdf_with_text("Resenje o prestanku boravka"))
    _upload(client, case_id, "zalba.docx", docx_with_text("Жалба Управном суду у Новом Саду"))
    for word, name in (("престанку", "resenje-novi-sad.pdf"), ("Upravnom", "zalba.docx")):
        page = client.get("/search", params={"q": word}).text
        assert name in page and f"/cases/{case_id}/documents/" in page
    found = client.get(
        "/api/v1/search", params={"q": "prestanku"}, headers=api_headers(world, "caseworker-a")
    ).json()
    assert [hit["filename"] for hit in found["documents"]] == ["resenje-novi-sad.pdf"]
    assert found["documents"][0]["document_type"] == "decision"


def test_another_team_and_a_viewer_find_no_document(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _upload(client_as("caseworker-a"), world.ids["case_a"], "r.pdf", pdf_with_text("Kikinda"))
    other = client_as("caseworker-b").get("/search", params={"q": "Кикинда"}).text
    assert "r.pdf" not in other
    viewer = client_as("viewer-a").get("/search", params={"q": "Kikinda"}).text
    assert "r.pdf" not in viewer and 'id="r-documents"' not in viewer
    found = client_as("viewer-a").get(
        "/api/v1/search", params={"q": "Kikinda"}, headers=api_headers(world, "viewer-a")
    )
    assert found.json()["documents"] == []
