"""Reopening a closed case from the case page and through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import get_args

from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import REOPEN_REASONS, close_case, get_case
from havenwatch.store.schema import audit_log
from havenwatch.web.api.models import ReopenReason
from tests.web.conftest import World, api_headers, csrf_of


def _closed(world: World, key: str = "case_a") -> str:
    case_id = world.ids[key]
    close_case(
        world.db,
        case_id,
        "test",
        status="won",
        closed_on=date(2026, 11, 20),
        scope=Scope.everything(),
    )
    return case_id


def _forms(page: str) -> list[str]:
    return [str(action) for action in html.fromstring(page).xpath("//form/@action")]


def test_a_closed_case_offers_reopening_and_an_open_one_offers_closing(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id = world.ids["case_a"]
    assert f"/cases/{case_id}/status" in _forms(client.get(f"/cases/{case_id}").text)
    assert f"/cases/{case_id}/reopen" not in _forms(client.get(f"/cases/{case_id}").text)
    _closed(world)
    page = client.get(f"/cases/{case_id}").text
    assert f"/cases/{case_id}/reopen" in _forms(page)
    assert f"/cases/{case_id}/status" not in _forms(page)
    reasons = html.fromstring(page).xpath("//select[@name='reason']/option/@value")
    assert tuple(reasons) == REOPEN_REASONS
    assert f"/cases/{case_id}/reopen" not in _forms(
        client_as("viewer-a").get(f"/cases/{case_id}").text
    )


def test_reopening_makes_the_case_open_and_is_audited_with_its_reason(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id = _closed(world)
    response = client.post(
        f"/cases/{case_id}/reopen",
        data={"csrf_token": csrf_of(client), "reason": "new_decision"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    case = get_case(world.db, case_id, scope=Scope.everything())
    assert (case.status, case.closed_on) == ("open", None)
    with world.db.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "case.reopen")).one()
    assert (entry.actor, entry.case_id) == ("user:caseworker-a", case_id)
    assert entry.detail == {"reason": "new_decision", "from": "won", "closed_on": "2026-11-20"}
    assert f"/cases/{case_id}/status" in _forms(client.get(f"/cases/{case_id}").text)


def test_reopening_without_a_known_reason_gives_a_one_line_error(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id = _closed(world)
    for reason in ("", "because I said so"):
        response = client.post(
            f"/cases/{case_id}/reopen", data={"csrf_token": csrf_of(client), "reason": reason}
        )
        assert response.status_code == 400
        alert = html.fromstring(response.text).xpath("//div[@role='alert']")[0].text_content()
        assert "Choose why the case is reopened." in alert
        assert len(alert.strip().splitlines()) == 1
    assert get_case(world.db, case_id, scope=Scope.everything()).status == "won"


def test_an_open_case_cannot_be_reopened(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    response = client.post(
        f"/cases/{world.ids['case_a']}/reopen",
        data={"csrf_token": csrf_of(client), "reason": "other"},
    )
    assert response.status_code == 400 and "already open" in response.text


def test_reopening_needs_the_csrf_token_and_a_case_of_ones_own_team(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id = _closed(world)
    refused = client.post(f"/cases/{case_id}/reopen", data={"reason": "other"})
    assert refused.status_code == 403
    foreign = _closed(world, "case_b")
    response = client.post(
        f"/cases/{foreign}/reopen", data={"csrf_token": csrf_of(client), "reason": "other"}
    )
    assert response.status_code == 404
    assert get_case(world.db, case_id, scope=Scope.everything()).status == "won"
    assert get_case(world.db, foreign, scope=Scope.everything()).status == "won"


def test_the_reopen_form_is_translated(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    _closed(world)
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "ru"})
    page = client.get(f"/cases/{world.ids['case_a']}").text
    assert "Возобновить дело" in page and "Дело было закрыто по ошибке" in page


def test_the_api_reopens_a_closed_case(world: World, app_for: Callable[[], TestClient]) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    case_id = _closed(world)
    path = f"/api/v1/cases/{case_id}/reopen"
    assert client.post(path, headers=headers, json={"reason": "maybe"}).status_code == 422
    response = client.post(path, headers=headers, json={"reason": "returned"})
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["closed_on"]) == ("open", None)
    again = client.post(path, headers=headers, json={"reason": "returned"})
    assert again.status_code == 400 and "already open" in again.json()["detail"]
    foreign = f"/api/v1/cases/{_closed(world, 'case_b')}/reopen"
    assert client.post(foreign, headers=headers, json={"reason": "other"}).status_code == 404


def test_the_api_lists_the_same_reasons_as_the_library() -> None:
    assert get_args(ReopenReason) == REOPEN_REASONS
