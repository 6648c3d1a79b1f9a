"""The case page and `GET /api/v1/cases/{id}` show one case view (`cases/case_view.py`)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.store.schema import audit_log
from tests.web.conftest import (
    CANARY_NAME,
    CANARY_SOURCE,
    World,
    api_headers,
    served_expulsion_order,
)


def _reads_by(world: World, actor: str) -> list[tuple[str, object]]:
    with world.db.read() as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.detail)
            .where(audit_log.c.actor == actor, audit_log.c.action.like("%read%"))
            .order_by(audit_log.c.seq)
        )
        return [(row.action, row.detail) for row in rows]


def test_the_api_returns_the_case_with_what_its_page_shows(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    served_expulsion_order(world)
    response = app_for().get(
        f"/api/v1/cases/{world.ids['case_a']}", headers=api_headers(world, "caseworker-a")
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert (found["id"], found["title"], found["person"]["pseudonym"]) == (
        world.ids["case_a"],
        "Alpha v. RS",
        "Heron Alpha",
    )
    assert {event["type"] for event in found["events"]} == {"entry_ban", "expulsion_order"}
    assert found["deadlines"]["rules"] and found["deadlines"]["deadlines"]
    assert [doc["filename"] for doc in found["documents"]] == ["document_a.txt"]
    assert "notes" not in response.text


def test_the_api_view_leaves_out_documents_for_roles_that_may_not_see_them(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    response = app_for().get(
        f"/api/v1/cases/{world.ids['case_a']}", headers=api_headers(world, "viewer-a")
    )
    assert response.status_code == 200, response.text
    assert response.json()["documents"] == []


def test_another_teams_case_view_is_not_found_and_names_nothing(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    response = app_for().get(
        f"/api/v1/cases/{world.ids['case_b']}", headers=api_headers(world, "caseworker-a")
    )
    assert response.status_code == 404
    assert CANARY_NAME not in response.text and CANARY_SOURCE not in response.text


def test_opening_the_case_page_is_one_audited_read_of_its_notes(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    page = client.get(f"/cases/{world.ids['case_a']}")
    assert page.status_code == 200 and "Alpha v. RS" in page.text
    assert _reads_by(world, "user:caseworker-a") == [
        ("case.read_notes", {"events": True, "steps": True})
    ]
