"""Sources linked to a person's events keep their names from roles that see pseudonyms only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event_source
from havenwatch.core.model import Source
from tests.web.conftest import World, api_headers

NAME = "Volokhonsky"
TITLE = "Petr Volokhonsky expelled from Belgrade"
URL = "https://news.example.org/2026/petr-volokhonsky-expelled"


@pytest.fixture
def named_source(world: World) -> str:
    """A report naming the person of case A, linked to their entry ban."""
    source = add_event_source(
        world.db,
        world.ids["event_a"],
        Source(url=URL, title=TITLE, publisher="Wire", text=f"Petr {NAME} was told to leave."),
        "test",
        scope=Scope.everything(),
    )
    return source.id or ""


def _pages(world: World, source_id: str) -> list[str]:
    return ["/sources", f"/sources/{source_id}", f"/cases/{world.ids['case_a']}"]


def test_viewers_pages_withhold_the_title_text_and_url_path_of_linked_sources(
    world: World, named_source: str, client_as: Callable[[str], TestClient]
) -> None:
    viewer = client_as("viewer-a")
    for page in _pages(world, named_source):
        response = viewer.get(page)
        assert response.status_code == 200, page
        assert NAME not in response.text and "petr-volokhonsky" not in response.text, page
        assert "title withheld" in response.text, page
    assert "https://news.example.org/" in viewer.get(f"/sources/{named_source}").text


def test_caseworkers_still_read_linked_sources_whole(
    world: World, named_source: str, client_as: Callable[[str], TestClient]
) -> None:
    caseworker = client_as("caseworker-a")
    for page in _pages(world, named_source):
        assert TITLE in caseworker.get(page).text, page
    assert URL in caseworker.get(f"/sources/{named_source}").text


def test_unlinked_reports_stay_whole_for_viewers(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    page = client_as("viewer-a").get(f"/sources/{world.ids['source_free']}").text
    assert "Public wire story" in page and "A decision was reported." in page


def test_the_api_withholds_linked_sources_from_viewers(
    world: World, named_source: str, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    viewer, caseworker = api_headers(world, "viewer-a"), api_headers(world, "caseworker-a")
    one = client.get(f"/api/v1/sources/{named_source}", headers=viewer).json()
    assert (one["title"], one["text"], one["url"], one["withheld"]) == (
        None, "", "https://news.example.org/", True,
    )  # fmt: skip
    listed = client.get("/api/v1/sources", headers=viewer)
    assert NAME not in listed.text and "petr-volokhonsky" not in listed.text
    assert (
        client.get(f"/api/v1/sources/{named_source}", headers=caseworker).json()["title"] == TITLE
    )


def test_viewers_cannot_find_linked_sources_by_the_names_in_them(
    world: World, named_source: str, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("viewer-a")
    headers = api_headers(world, "viewer-a")
    assert client.get("/api/v1/search", params={"q": NAME}, headers=headers).json()["sources"] == []
    assert f"/sources/{named_source}" not in client.get("/search", params={"q": NAME}).text
    found = client_as("caseworker-a").get("/search", params={"q": NAME}).text
    assert f"/sources/{named_source}" in found
