"""The step forms: a note is required (one translated line, nothing stored), another team's
step is absent, a viewer cannot act, and every change needs the CSRF token."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

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
