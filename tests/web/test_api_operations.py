"""The API's operations that mirror the pages: new people, event edits and sources, closing and
assigning cases, search and deadlines; who may use them, what they audit, what they refuse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.deadlines import deadlines_of_case
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.people import find_people_by_name, get_person
from havenwatch.core.clock import today
from havenwatch.core.model import Event
from havenwatch.store.schema import audit_log, events
from tests.helpers import snapshot
from tests.web.conftest import CANARY_NAME, World, api_headers, served_expulsion_order, user_id_of

Client = Callable[[], TestClient]
NUL = "nul\x00byte"


def _audit(world: World, action: str) -> list[Any]:
    with world.db.read() as conn:
        return list(
            conn.execute(
                select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq)
            )
        )


def _event_path(world: World, case: str = "case_a", event: str = "event_a") -> str:
    return f"/api/v1/cases/{world.ids[case]}/events/{world.ids[event]}"


def _stored_event(world: World, event_key: str = "event_a") -> Event:
    timeline = list_events(
        world.db, world.ids["case_a"], with_notes=True, actor="test", scope=Scope.everything()
    )
    return next(event for event in timeline if event.id == world.ids[event_key])


def _refuses_without_change(
    world: World,
    client: TestClient,
    headers: dict[str, str],
    method: str,
    path: str,
    bodies: list[dict[str, Any]],
) -> None:
    """Each body is a 422 naming fields, never echoing what was sent; nothing is stored."""
    client.get("/api/v1/cases", headers=headers)  # the token's first use is recorded once
    before = snapshot(world.db)
    for body in bodies:
        response = client.request(method, path, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"] == "invalid request" and response.json()["fields"]
        assert "nul" not in response.text and "x" * 100 not in response.text
    assert snapshot(world.db) == before


# People


def test_a_caseworker_creates_a_person_of_their_team_with_a_sealed_identity(
    world: World, app_for: Client
) -> None:
    response = app_for().post(
        "/api/v1/people",
        headers=api_headers(world, "caseworker-a"),
        json={
            "pseudonym": "Osprey Gamma",
            "nationality": "by",
            "risk_level": "high",
            "identity": {"full_name": "Alesia Kruk", "other_names": ["Алеся Крук"]},
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["pseudonym"], body["team"], body["nationality"]) == (
        "Osprey Gamma",
        "team-a",
        "BY",
    )
    assert "Kruk" not in response.text and "identity" not in body
    stored = get_person(
        world.db, body["id"], actor="test", with_identity=True, scope=Scope.everything()
    )
    assert (stored.identity.full_name, stored.risk_level) == ("Alesia Kruk", "high")
    assert find_people_by_name(world.db, "Крук", scope=Scope.everything()) == [body["id"]]
    (entry,) = _audit(world, "person.create")[-1:]
    assert (entry.actor, entry.target_id) == ("user:caseworker-a", body["id"])


@pytest.mark.parametrize("role", ["viewer", "researcher"])
def test_roles_that_may_not_edit_cannot_create_people(
    role: str, world: World, app_for: Client
) -> None:
    response = app_for().post(
        "/api/v1/people", headers=api_headers(world, f"{role}-a"), json={"pseudonym": "Osprey"}
    )
    assert response.status_code == 403
    assert find_people_by_name(world.db, "Osprey", scope=Scope.everything()) == []


def test_bad_person_fields_are_refused_and_nothing_is_stored(world: World, app_for: Client) -> None:
    _refuses_without_change(
        world,
        app_for(),
        api_headers(world, "caseworker-a"),
        "POST",
        "/api/v1/people",
        [
            {},
            {"pseudonym": NUL},
            {"pseudonym": "x" * 201},
            {"pseudonym": "Osprey", "gender": "nul"},
            {"pseudonym": "Osprey", "nationality": "Russia"},
            {"pseudonym": "Osprey", "birth_year": 1800},
            {"pseudonym": "Osprey", "identity": {"full_name": NUL}},
            {"pseudonym": "Osprey", "identity": {"date_of_birth": "1987-02-30"}},
            {"pseudonym": "Osprey", "team": "team-b"},
        ],
    )


def test_a_refusal_by_the_record_rules_names_the_field_but_never_echoes_the_value(
    world: World, app_for: Client
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    client.get("/api/v1/cases", headers=headers)  # the token's first use is recorded once
    before = snapshot(world.db)
    for method, path, body in (
        ("POST", f"/api/v1/cases/{world.ids['case_a']}/events", {"type": "entry_ban"}),
        ("PATCH", _event_path(world), {}),
        ("POST", "/api/v1/cases", {"person_id": world.ids["person_a"]}),
    ):
        code = {"decision_code": "zz_secret"} if "events" in path else {"country": "Q9"}
        response = client.request(method, path, headers=headers, json=body | code)
        assert response.status_code == 400, response.text
        assert response.json()["detail"].startswith(("decision_code: ", "country: "))
        assert "zz_secret" not in response.text and "Q9" not in response.text
    assert snapshot(world.db) == before


# Editing an event


def test_an_event_edit_changes_only_the_fields_sent_and_keeps_the_notes(
    world: World, app_for: Client
) -> None:
    event = add_event(
        world.db,
        Event(
            case_id=world.ids["case_a"],
            type="expulsion_order",
            authority="interior_ministry",
            notes="met at the lawyer's office",
        ),
        "test",
        scope=Scope.everything(),
    )
    world.ids["event_noted"] = event.id or ""
    response = app_for().patch(
        _event_path(world, event="event_noted"),
        headers=api_headers(world, "caseworker-a"),
        json={"date": "16.09.2024", "outcome": "pending", "notes": None},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["date"], body["outcome"], body["authority"]) == (
        "2024-09-16",
        "pending",
        "interior_ministry",
    )
    stored = _stored_event(world, "event_noted")
    assert (stored.type, stored.notes, stored.outcome) == ("expulsion_order", None, "pending")
    (entry,) = _audit(world, "event.update")
    assert entry.actor == "user:caseworker-a"
    assert entry.detail == {"changed": ["date", "notes", "outcome"]}


def test_a_new_event_takes_its_link_and_notes_sealed_and_never_sends_the_notes_back(
    world: World, app_for: Client
) -> None:
    response = app_for().post(
        f"/api/v1/cases/{world.ids['case_a']}/events",
        headers=api_headers(world, "caseworker-a"),
        json={"type": "detention", "origin_state_link": "suspected", "notes": "held at the port"},
    )
    assert response.status_code == 201, response.text
    assert "notes" not in response.json() and "held at the port" not in response.text
    world.ids["event_new"] = response.json()["id"]
    stored = _stored_event(world, "event_new")
    assert (stored.origin_state_link, stored.notes) == ("suspected", "held at the port")
    with world.db.read() as conn:
        sealed = conn.execute(
            select(events.c.notes).where(events.c.id == world.ids["event_new"])
        ).scalar_one()
    assert b"held at the port" not in sealed


def test_notes_left_out_of_an_event_edit_are_kept_without_an_audited_read(
    world: World, app_for: Client
) -> None:
    event = add_event(
        world.db,
        Event(case_id=world.ids["case_a"], type="detention", notes="held for two days"),
        "test",
        scope=Scope.everything(),
    )
    world.ids["event_noted"] = event.id or ""
    response = app_for().patch(
        _event_path(world, event="event_noted"),
        headers=api_headers(world, "caseworker-a"),
        json={"type": "deportation", "authority": "border_police"},
    )
    assert response.status_code == 200, response.text
    stored = _stored_event(world, "event_noted")
    assert (stored.type, stored.authority, stored.notes) == (
        "deportation",
        "border_police",
        "held for two days",
    )
    reads = _audit(world, "events.read_notes")
    assert [entry for entry in reads if entry.actor == "user:caseworker-a"] == []


def test_an_event_field_sent_as_null_is_cleared_but_the_type_cannot_be(
    world: World, app_for: Client
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    cleared = client.patch(_event_path(world), headers=headers, json={"authority": None})
    assert cleared.status_code == 200 and cleared.json()["authority"] is None
    refused = client.patch(_event_path(world), headers=headers, json={"type": None})
    assert refused.status_code == 422 and refused.json()["fields"] == ["body.type"]
    assert _stored_event(world).type == "entry_ban"


def test_bad_event_edits_are_refused_and_change_nothing(world: World, app_for: Client) -> None:
    _refuses_without_change(
        world,
        app_for(),
        api_headers(world, "caseworker-a"),
        "PATCH",
        _event_path(world),
        [
            {"type": "nul_type"},
            {"date": "31.02.2024"},
            {"date": "nul yesterday"},
            {"served_on": "2024-13-01"},
            {"authority": "nul_police"},
            {"decision_code": NUL},
            {"decision_code": "x" * 61},
            {"notes": "x" * 20_001},
            {"deadline_days": -1},
            {"origin_state_link": None},
            {"case_id": "elsewhere"},
        ],
    )


def test_an_event_the_caller_may_not_see_is_not_found_and_viewers_cannot_edit(
    world: World, app_for: Client
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    change = {"authority": "court"}
    for path in (_event_path(world, "case_b", "event_b"), _event_path(world, "case_a", "event_b")):
        response = client.patch(path, headers=headers, json=change)
        assert response.status_code == 404 and CANARY_NAME not in response.text
    for role in ("viewer", "researcher"):
        denied = client.patch(
            _event_path(world), headers=api_headers(world, f"{role}-a"), json=change
        )
        assert denied.status_code == 403
    assert _stored_event(world).authority == "border_police"
    assert _audit(world, "event.update") == []


# Sources of an event


def test_a_caseworker_links_a_new_source_to_an_event(world: World, app_for: Client) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    response = client.post(
        f"{_event_path(world)}/sources",
        headers=headers,
        json={
            "url": "https://example.org/report",
            "title": "Refused at the border",
            "publisher": "Example Wire",
            "published_on": "2026-11-03",
            "text": "An activist was refused entry at Belgrade airport.",
        },
    )
    assert response.status_code == 201, response.text
    source_id = response.json()["id"]
    assert response.json()["published_on"] == "2026-11-03"
    assert source_id in _stored_event(world).source_ids
    assert client.get(f"/api/v1/sources/{source_id}", headers=headers).status_code == 200
    (created,) = _audit(world, "source.create")[-1:]
    (linked,) = _audit(world, "event.link_source")[-1:]
    assert (created.actor, created.target_id) == ("user:caseworker-a", source_id)
    assert (linked.target_id, linked.detail) == (
        world.ids["event_a"],
        {"source_id": source_id, "role": "reported"},
    )


def test_bad_sources_are_refused_and_nothing_is_stored(world: World, app_for: Client) -> None:
    _refuses_without_change(
        world,
        app_for(),
        api_headers(world, "caseworker-a"),
        "POST",
        f"{_event_path(world)}/sources",
        [
            {},
            {"text": "   "},
            {"title": NUL},
            {"title": "x" * 501},
            {"title": "Report", "published_on": "2024-02-30"},
            {"title": "Report", "language": "en"},
        ],
    )


def test_a_source_cannot_be_linked_to_another_teams_event_or_by_a_viewer(
    world: World, app_for: Client
) -> None:
    client, report = app_for(), {"title": "Unwanted report"}
    headers = api_headers(world, "caseworker-a")
    foreign = client.post(
        f"{_event_path(world, 'case_b', 'event_b')}/sources", headers=headers, json=report
    )
    assert foreign.status_code == 404
    viewer = client.post(
        f"{_event_path(world)}/sources", headers=api_headers(world, "viewer-a"), json=report
    )
    assert viewer.status_code == 403
    assert _audit(world, "source.create")[-1].actor == "test"


# Closing and assigning a case


def test_a_caseworker_closes_a_case_with_a_final_status(world: World, app_for: Client) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    path = f"/api/v1/cases/{world.ids['case_a']}"
    response = client.post(
        f"{path}/status", headers=headers, json={"status": "won", "closed_on": "2026-12-01"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["closed_on"]) == ("won", "2026-12-01")
    (entry,) = _audit(world, "case.close")
    assert (entry.actor, entry.case_id, entry.detail) == (
        "user:caseworker-a",
        world.ids["case_a"],
        {"status": "won"},
    )
    reopened = client.post(f"{path}/reopen", headers=headers, json={"reason": "closed_in_error"})
    assert reopened.json()["status"] == "open"


def test_a_case_cannot_be_closed_as_open_or_with_an_unknown_status(
    world: World, app_for: Client
) -> None:
    _refuses_without_change(
        world,
        app_for(),
        api_headers(world, "caseworker-a"),
        "POST",
        f"/api/v1/cases/{world.ids['case_a']}/status",
        [
            {},
            {"status": "open"},
            {"status": "nul_status"},
            {"status": NUL},
            {"status": "closed", "closed_on": "2026-02-30"},
        ],
    )


def test_another_teams_case_cannot_be_closed_or_assigned_and_viewers_cannot_either(
    world: World, app_for: Client
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    foreign = f"/api/v1/cases/{world.ids['case_b']}"
    own = f"/api/v1/cases/{world.ids['case_a']}"
    assigned = {"assignee": user_id_of(world, "caseworker-a")}
    assert (
        client.post(f"{foreign}/status", headers=headers, json={"status": "closed"}).status_code
        == 404
    )
    assert client.post(f"{foreign}/assign", headers=headers, json=assigned).status_code == 404
    viewer = api_headers(world, "viewer-a")
    assert (
        client.post(f"{own}/status", headers=viewer, json={"status": "closed"}).status_code == 403
    )
    assert client.post(f"{own}/assign", headers=viewer, json=assigned).status_code == 403
    assert get_case(world.db, world.ids["case_b"], scope=Scope.everything()).status == "open"
    assert _audit(world, "case.close") == [] and _audit(world, "case.assign") == []


def test_a_caseworker_assigns_a_case_to_a_colleague_and_back_to_nobody(
    world: World, app_for: Client
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    path = f"/api/v1/cases/{world.ids['case_a']}/assign"
    colleague = user_id_of(world, "admin-a")
    response = client.post(path, headers=headers, json={"assignee": colleague})
    assert response.status_code == 200, response.text
    assert response.json()["assigned_to"] == colleague
    assert client.post(path, headers=headers, json={"assignee": None}).json()["assigned_to"] is None
    entries = _audit(world, "case.assign")
    assert [(e.actor, e.detail["assignee"]) for e in entries] == [
        ("user:caseworker-a", colleague),
        ("user:caseworker-a", None),
    ]


@pytest.mark.parametrize("assignee", ["caseworker-b", "viewer-a"])
def test_a_case_is_assigned_only_to_a_caseworker_of_its_team(
    assignee: str, world: World, app_for: Client
) -> None:
    user_id = user_id_of(world, assignee)
    response = app_for().post(
        f"/api/v1/cases/{world.ids['case_a']}/assign",
        headers=api_headers(world, "caseworker-a"),
        json={"assignee": user_id},
    )
    assert response.status_code == 400 and user_id not in response.text
    assert get_case(world.db, world.ids["case_a"], scope=Scope.everything()).assigned_to is None


def test_bad_assignments_are_refused_and_change_nothing(world: World, app_for: Client) -> None:
    _refuses_without_change(
        world,
        app_for(),
        api_headers(world, "caseworker-a"),
        "POST",
        f"/api/v1/cases/{world.ids['case_a']}/assign",
        [{}, {"assignee": NUL}, {"assignee": "x" * 41}, {"assignee": ["nul"]}],
    )


# Search


def _search(client: TestClient, headers: dict[str, str], query: str) -> Any:
    response = client.get("/api/v1/search", headers=headers, params={"q": query})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_finds_the_teams_people_cases_and_events(world: World, app_for: Client) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    assert [hit["id"] for hit in _search(client, headers, "Heron")["people"]] == [
        world.ids["person_a"]
    ]
    assert [hit["id"] for hit in _search(client, headers, "Alpha")["cases"]] == [
        world.ids["case_a"]
    ]
    events = _search(client, headers, "border_police")["events"]
    assert [(hit["id"], hit["case_title"]) for hit in events] == [
        (world.ids["event_a"], "Alpha v. RS")
    ]
    assert _search(client, headers, "")["people"] == []


def test_caseworkers_find_people_by_real_name_and_viewers_do_not(
    world: World, app_for: Client
) -> None:
    client = app_for()
    by_caseworker = _search(client, api_headers(world, "caseworker-a"), "Волохонский")
    assert [hit["pseudonym"] for hit in by_caseworker["people"]] == ["Heron Alpha"]
    assert _search(client, api_headers(world, "viewer-a"), "Volokhonsky")["people"] == []
    researcher = client.get(
        "/api/v1/search", headers=api_headers(world, "researcher-a"), params={"q": "Volokhonsky"}
    )
    assert researcher.status_code == 403 and "Heron" not in researcher.text


@pytest.mark.parametrize("role", ["caseworker", "viewer"])
def test_search_finds_nothing_of_another_team(role: str, world: World, app_for: Client) -> None:
    client, headers = app_for(), api_headers(world, f"{role}-a")
    canaries = [CANARY_NAME, "Ptarmigan", "Marchetti", "Quillfeather", world.ids["case_b"]]
    for query in ("Quillfeather", "Zebulon", "Marchetti", "Ptarmigan", "Novi Sad", "expulsion"):
        response = client.get("/api/v1/search", headers=headers, params={"q": query})
        assert response.status_code == 200
        assert not [c for c in canaries if c in response.text and c != query], query


def test_bad_search_queries_are_refused(world: World, app_for: Client) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    too_long = client.get("/api/v1/search", headers=headers, params={"q": "x" * 201})
    assert too_long.status_code == 422 and too_long.json()["fields"] == ["query.q"]
    # A NUL anywhere in a URL is refused by the shield in front of every route.
    with_nul = client.get("/api/v1/search", headers=headers, params={"q": NUL})
    assert with_nul.status_code == 400 and with_nul.json() == {"detail": "Bad request"}


# Deadlines


def test_a_cases_deadlines_come_with_how_they_were_counted_and_their_citations(
    world: World, app_for: Client
) -> None:
    order = served_expulsion_order(world)
    response = app_for().get(
        f"/api/v1/cases/{world.ids['case_a']}/deadlines", headers=api_headers(world, "viewer-a")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    plan = deadlines_of_case(
        world.db, world.ids["case_a"], "RS", today=today(), scope=Scope.everything()
    )
    assert plan is not None and body["rules"] is True
    assert [d["deadline_id"] for d in body["deadlines"]] == [d.deadline_id for d in plan.deadlines]
    from_order = [d for d in body["deadlines"] if d["decision_event_id"] == order.id]
    assert from_order, "the expulsion order opens deadlines"
    for deadline in from_order:
        assert deadline["citation"] and deadline["explanation"]
        assert deadline["served"] == str(order.served_on)
    assert any(date.fromisoformat(d["due"]) >= today() for d in from_order if d["due"])


def test_another_teams_deadlines_are_not_found_and_researchers_cannot_read_any(
    world: World, app_for: Client
) -> None:
    client = app_for()
    foreign = client.get(
        f"/api/v1/cases/{world.ids['case_b']}/deadlines", headers=api_headers(world, "caseworker-a")
    )
    assert foreign.status_code == 404 and CANARY_NAME not in foreign.text
    researcher = client.get(
        f"/api/v1/cases/{world.ids['case_a']}/deadlines", headers=api_headers(world, "researcher-a")
    )
    assert researcher.status_code == 403


def test_the_openapi_document_describes_the_new_operations(world: World, app_for: Client) -> None:
    paths = app_for().get("/api/v1/openapi.json").json()["paths"]
    assert {"post"} <= set(paths["/people"])
    assert {"patch", "delete"} <= set(paths["/cases/{case_id}/events/{event_id}"])
    for path in (
        "/cases/{case_id}/events/{event_id}/sources",
        "/cases/{case_id}/status",
        "/cases/{case_id}/assign",
    ):
        assert "post" in paths[path], path
    assert "get" in paths["/search"] and "get" in paths["/cases/{case_id}/deadlines"]
