"""Deleting an event from a case's timeline: confirmation page, form, API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.deadlines import deadlines_of_case
from havenwatch.cases.events import list_events
from havenwatch.cases.sources import add_source
from havenwatch.core.clock import today
from havenwatch.core.model import Source
from havenwatch.store.schema import audit_log, sources
from tests.web.conftest import CANARY_NAME, World, api_headers, csrf_of, served_expulsion_order


def _decision(world: World) -> tuple[str, str]:
    """A fresh expulsion order in case A, with a source of its own; (event id, source id)."""
    source, _ = add_source(
        world.db,
        Source(title="Only about this order", text="Ordered to leave."),
        "test",
        scope=Scope.everything(),
    )
    event = served_expulsion_order(
        world, authority="interior_ministry", source_ids=[source.id or ""]
    )
    return event.id or "", source.id or ""


def _deadline_events(world: World) -> set[str]:
    """The events that the deadlines of case A are counted from."""
    plan = deadlines_of_case(
        world.db, world.ids["case_a"], "RS", today=today(), scope=Scope.everything()
    )
    assert plan is not None
    return {deadline.decision_event_id for deadline in plan.deadlines}


def _deadline_rows(page: str) -> int:
    return len(
        html.fromstring(page).xpath("//section[@aria-labelledby='deadlines-title']//tbody/tr")
    )


def _event_ids(world: World, case_key: str = "case_a") -> list[str]:
    return [
        event.id or ""
        for event in list_events(world.db, world.ids[case_key], scope=Scope.everything())
    ]


def test_the_timeline_links_each_event_to_its_confirmation_page(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    case_id, event_id = world.ids["case_a"], world.ids["event_a"]
    link = f'href="/cases/{case_id}/events/{event_id}/delete"'
    assert link in client_as("caseworker-a").get(f"/cases/{case_id}").text
    assert link not in client_as("viewer-a").get(f"/cases/{case_id}").text


def test_the_confirmation_page_says_what_goes_and_deletes_nothing(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    event_id, source_id = _decision(world)
    case_id = world.ids["case_a"]
    page = client_as("caseworker-a").get(f"/cases/{case_id}/events/{event_id}/delete")
    assert page.status_code == 200
    document = html.fromstring(page.text)
    assert "Ordered to leave" in page.text
    assert "Source deleted too" in page.text and f"/sources/{source_id}" in page.text
    (form,) = [f for f in document.xpath("//form") if "delete" in f.get("action", "")]
    assert form.get("method") == "post" and form.xpath(".//input[@name='csrf_token']")
    assert event_id in _event_ids(world)


def test_deleting_removes_the_event_its_deadlines_and_its_search_entry(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    event_id, source_id = _decision(world)
    client = client_as("caseworker-a")
    case_id = world.ids["case_a"]
    assert f"#event-{event_id}" in client.get("/search?q=interior").text
    assert event_id in _deadline_events(world)
    before = _deadline_rows(client.get(f"/cases/{case_id}").text)
    response = client.post(
        f"/cases/{case_id}/events/{event_id}/delete",
        data={"csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/cases/{case_id}")
    assert event_id not in _event_ids(world) and world.ids["event_a"] in _event_ids(world)
    page = client.get(f"/cases/{case_id}").text
    assert f'id="event-{event_id}"' not in page
    assert event_id not in _deadline_events(world)
    assert 0 < _deadline_rows(page) < before
    assert f"#event-{event_id}" not in client.get("/search?q=interior").text
    with world.db.read() as conn:
        assert conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is None
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "event.delete")).one()
    assert (entry.actor, entry.target_id, entry.case_id) == (
        "user:caseworker-a",
        event_id,
        case_id,
    )
    assert entry.detail["deleted_sources"] == [source_id]


def test_deleting_needs_the_csrfapi_headers(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    path = f"/cases/{world.ids['case_a']}/events/{world.ids['event_a']}/delete"
    assert client.post(path, data={}).status_code == 403
    assert world.ids["event_a"] in _event_ids(world)


def test_an_event_of_another_team_or_another_case_is_not_found(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    token = csrf_of(client)
    foreign = f"/cases/{world.ids['case_b']}/events/{world.ids['event_b']}/delete"
    mismatched = f"/cases/{world.ids['case_a']}/events/{world.ids['event_b']}/delete"
    for path in (foreign, mismatched):
        page = client.get(path)
        assert page.status_code == 404 and CANARY_NAME not in page.text
        assert client.post(path, data={"csrf_token": token}).status_code == 404
    assert _event_ids(world, "case_b") == [world.ids["event_b"]]


def test_the_confirmation_page_is_translated(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    path = f"/cases/{world.ids['case_a']}/events/{world.ids['event_a']}/delete"
    page = client.get(path).text
    assert "Удалить это событие из хронологии?" in page and "Удалить событие" in page


def test_the_api_deletes_an_event_and_says_what_went_with_it(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    event_id, source_id = _decision(world)
    client, headers = app_for(), api_headers(world, "caseworker-a")
    path = f"/api/v1/cases/{world.ids['case_a']}/events/{event_id}"
    response = client.delete(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "event_id": event_id,
        "case_id": world.ids["case_a"],
        "type": "expulsion_order",
        "unlinked_sources": [source_id],
        "deleted_sources": [source_id],
        "detached_documents": 0,
        "detached_leads": 0,
    }
    assert client.delete(path, headers=headers).status_code == 404
    listed = client.get(f"/api/v1/cases/{world.ids['case_a']}/events", headers=headers).json()
    assert event_id not in [event["id"] for event in listed]


def test_the_api_refuses_viewers_and_other_teams(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    own = f"/api/v1/cases/{world.ids['case_a']}/events/{world.ids['event_a']}"
    foreign = f"/api/v1/cases/{world.ids['case_b']}/events/{world.ids['event_b']}"
    assert client.delete(own, headers=api_headers(world, "viewer-a")).status_code == 403
    assert client.delete(foreign, headers=api_headers(world, "caseworker-a")).status_code == 404
    assert world.ids["event_a"] in _event_ids(world)
    assert _event_ids(world, "case_b") == [world.ids["event_b"]]
