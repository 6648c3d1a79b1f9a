"""The step forms: a note is required (one translated line, nothing stored), another team's
step is absent, a viewer cannot act, and every change needs the CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event
from havenwatch.core.clock import today
from havenwatch.core.dates import from_day
from havenwatch.core.model import Case, Event
from havenwatch.legal.calendar_feed import entry_uid
from havenwatch.store.schema import deadline_actions
from tests.web.conftest import World, csrf_of, served_expulsion_order

ClientAs = Callable[[str], TestClient]


def _resolve(world: World, client: TestClient, case: str, deadline: str, **data: str) -> int:
    path = f"/cases/{world.ids[case]}/steps/{world.ids[deadline]}/resolve"
    response = client.post(
        path, data={"csrf_token": csrf_of(client), **data}, follow_redirects=False
    )
    return response.status_code


def _stored(world: World) -> list[object]:
    with world.db.read() as conn:
        return list(conn.execute(select(deadline_actions)))


def test_marking_a_step_not_applicable_needs_a_note_in_the_user_s_language(
    world: World, client_as: ClientAs
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    path = f"/cases/{world.ids['case_a']}/steps/{world.ids['deadline_a']}/resolve"
    response = client.post(
        path, data={"csrf_token": csrf_of(client), "resolution": "not_applicable", "note": ""}
    )
    assert response.status_code == 400
    assert "заметка обязательна" in response.text and "Traceback" not in response.text
    assert _stored(world) == []
    status = _resolve(
        world, client, "case_a", "deadline_a", resolution="not_applicable", note="wrong decision"
    )
    assert status == 303 and len(_stored(world)) == 1


def test_another_team_s_step_is_absent_and_a_viewer_cannot_act(
    world: World, client_as: ClientAs
) -> None:
    foreign = _resolve(
        world, client_as("caseworker-a"), "case_b", "deadline_b", resolution="superseded", note="x"
    )
    viewer = _resolve(
        world, client_as("viewer-a"), "case_a", "deadline_a", resolution="superseded", note="x"
    )
    assert foreign == 404 and viewer == 403 and _stored(world) == []


def test_a_step_change_without_the_csrf_token_is_refused(world: World, client_as: ClientAs) -> None:
    client = client_as("caseworker-a")
    response = client.post(
        f"/cases/{world.ids['case_a']}/steps/{world.ids['deadline_a']}/assign",
        data={"assignee": ""},
        follow_redirects=False,
    )
    assert response.status_code == 403 and _stored(world) == []


def test_the_case_list_sorts_by_next_deadline_and_the_dashboard_counts_apart(
    world: World, client_as: ClientAs
) -> None:
    soon = served_expulsion_order(world, days_ago=10)
    client = client_as("caseworker-a")
    listing = client.get("/cases?status=open&sort=next_deadline").text
    assert 'aria-sort="ascending"' in listing
    assert "sort=next_deadline" in listing and "status=open" in listing
    dashboard = client.get("/").text
    overdue = dashboard[dashboard.index('id="count-overdue"') :]
    due_soon = dashboard[dashboard.index('id="count-due-soon"') :]
    assert "Overdue" in overdue[:300] and "Due in the next 14 days" in due_soon[:300]
    assert f"#step-{soon.id}-appeal" in dashboard


def _feed_uids(client: TestClient) -> set[str]:
    feed = client.get("/deadlines.ics")
    assert feed.status_code == 200
    return {
        line.removeprefix("UID:").strip()
        for line in feed.text.splitlines()
        if line.startswith("UID:")
    }


def test_an_open_step_of_a_decision_three_years_old_is_on_the_dashboard_and_in_the_team_feed(
    world: World, client_as: ClientAs
) -> None:
    old = _old_case_with_an_unmet_order(world, served=today() - timedelta(days=3 * 365))
    client = client_as("caseworker-a")
    assert f"#step-{old.id}-appeal" in client.get("/").text
    assert entry_uid(f"{old.id}:appeal") in _feed_uids(client)
    assert entry_uid(f"{old.id}:appeal") not in _feed_uids(client_as("caseworker-b"))


def test_a_resolved_step_leaves_the_team_feed_and_the_others_stay(
    world: World, client_as: ClientAs
) -> None:
    order = served_expulsion_order(world, days_ago=40)
    client = client_as("caseworker-a")
    assert entry_uid(f"{order.id}:appeal") in _feed_uids(client)
    status = _resolve_step(world, client, f"{order.id}:appeal", note="appeal out of time")
    assert status == 303
    remaining = _feed_uids(client)
    assert entry_uid(f"{order.id}:appeal") not in remaining
    assert entry_uid(f"{order.id}:departure") in remaining


def _resolve_step(world: World, client: TestClient, deadline_id: str, note: str) -> int:
    path = f"/cases/{world.ids['case_a']}/steps/{deadline_id}/resolve"
    data = {"csrf_token": csrf_of(client), "resolution": "not_applicable", "note": note}
    return int(client.post(path, data=data, follow_redirects=False).status_code)


def _old_case_with_an_unmet_order(world: World, served: date) -> Event:
    """A case of team A whose only event is an order to leave served on ``served``."""
    case = add_case(
        world.db,
        Case(person_id=world.ids["person_a"], country="RS", title="Old order", team="team-a"),
        "test",
        scope=Scope.everything(),
    )
    order = Event(
        case_id=case.id or "",
        type="expulsion_order",
        date=from_day(served),
        served_on=served,
        deadline_days=30,
    )
    return add_event(world.db, order, "test", scope=Scope.everything())
