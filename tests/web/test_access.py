"""Every route, every role, own and other teams' ids: the permission table is the specification.

A route missing from ACCESS fails `test_every_route_is_classified`, so a new page or API call
cannot ship without a decision about who may use it. Then each role walks each route with its
own team's ids (allowed: works; not allowed: 403) and with team B's ids (404 for everyone but
administrators), and no response to a team-A user or a researcher may contain team B's
canaries: names, pseudonyms, titles, source text, or ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from havenwatch.access.api_tokens import create_token
from havenwatch.access.scope import Scope
from havenwatch.cases.events import add_event
from havenwatch.core.dates import from_day
from havenwatch.core.model import Event
from havenwatch.reports.publication import publish_release
from tests.web.conftest import (
    CANARY_NAME,
    CANARY_PSEUDONYM,
    CANARY_SOURCE,
    CANARY_TITLE,
    ROLES,
    World,
    csrf_of,
    user_id_of,
)

ALL = frozenset(ROLES)
READERS = frozenset({"admin", "caseworker", "viewer"})
EDITORS = frozenset({"admin", "caseworker"})
ADMIN = frozenset({"admin"})
PUBLIC = "public"
SESSION = "session"

ACCESS: dict[tuple[str, str], frozenset[str] | str] = {
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("GET", "/login/totp"): SESSION,
    ("POST", "/login/totp"): SESSION,
    ("POST", "/logout"): SESSION,
    ("GET", "/static"): PUBLIC,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/"): ALL,
    ("GET", "/charts/incidents.png"): READERS,
    ("GET", "/cases"): READERS,
    ("GET", "/cases/new"): EDITORS,
    ("POST", "/cases"): EDITORS,
    ("GET", "/cases/{case_id}"): READERS,
    ("GET", "/cases/{case_id}/timeline.png"): READERS,
    ("POST", "/cases/{case_id}/status"): EDITORS,
    ("POST", "/cases/{case_id}/assign"): EDITORS,
    ("POST", "/cases/{case_id}/fields"): EDITORS,
    ("POST", "/cases/{case_id}/steps/{deadline_id}/resolve"): EDITORS,
    ("POST", "/cases/{case_id}/steps/{deadline_id}/assign"): EDITORS,
    ("POST", "/cases/{case_id}/events"): EDITORS,
    ("POST", "/cases/{case_id}/reopen"): EDITORS,
    ("GET", "/cases/{case_id}/events/{event_id}/edit"): EDITORS,
    ("POST", "/cases/{case_id}/events/{event_id}"): EDITORS,
    ("GET", "/cases/{case_id}/events/{event_id}/delete"): EDITORS,
    ("POST", "/cases/{case_id}/events/{event_id}/delete"): EDITORS,
    ("POST", "/cases/{case_id}/events/{event_id}/sources"): EDITORS,
    ("POST", "/cases/{case_id}/documents"): EDITORS,
    ("GET", "/cases/{case_id}/documents/{document_id}"): EDITORS,
    ("GET", "/cases/{case_id}/documents/{document_id}/about"): EDITORS,
    ("GET", "/cases/{case_id}/documents/{document_id}/original"): EDITORS,
    ("GET", "/cases/{case_id}/deadlines.ics"): READERS,
    ("GET", "/deadlines.ics"): READERS,
    ("POST", "/cases/{case_id}/feeds"): READERS,
    ("POST", "/settings/feeds"): READERS,
    ("POST", "/settings/feeds/{token_id}/revoke"): ALL,
    ("GET", "/people"): READERS,
    ("GET", "/people/new"): EDITORS,
    ("POST", "/people"): EDITORS,
    ("GET", "/people/{person_id}"): READERS,
    ("GET", "/people/{person_id}/edit"): EDITORS,
    ("POST", "/people/{person_id}"): EDITORS,
    ("GET", "/sources"): READERS,
    ("GET", "/sources/{source_id}"): READERS,
    ("GET", "/search"): READERS,
    ("GET", "/leads"): EDITORS,
    ("GET", "/leads/{lead_id}"): EDITORS,
    ("POST", "/leads/{lead_id}/accept"): EDITORS,
    ("POST", "/leads/{lead_id}/merge"): EDITORS,
    ("POST", "/leads/{lead_id}/reject"): EDITORS,
    ("POST", "/leads/bulk-reject"): EDITORS,
    ("GET", "/transfer"): ALL,
    ("POST", "/transfer/import"): EDITORS,
    ("POST", "/transfer/import/preview"): EDITORS,
    ("GET", "/transfer/export.json"): ADMIN,
    ("GET", "/transfer/export.csv"): ADMIN,
    ("GET", "/transfer/anonymised.csv"): ALL,
    ("GET", "/transfer/anonymised.json"): ALL,
    ("GET", "/transfer/releases/{version}.{suffix}"): ALL,
    ("GET", "/transfer/anonymised-live.{suffix}"): ADMIN,
    ("POST", "/transfer/releases"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("POST", "/admin/users/{user_id}"): ADMIN,
    ("POST", "/admin/users/{user_id}/revoke"): ADMIN,
    ("POST", "/admin/settings"): ADMIN,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/admin/fields"): ADMIN,
    ("POST", "/admin/fields"): ADMIN,
    ("POST", "/admin/fields/{field_id}"): ADMIN,
    ("POST", "/admin/fields/{field_id}/remove"): ADMIN,
    ("GET", "/statistics"): READERS,
    ("GET", "/statistics.csv"): READERS,
    ("GET", "/statistics/chart.png"): READERS,
    ("GET", "/report"): ALL,
    ("GET", "/report/download"): ALL,
    ("GET", "/admin/feeds"): ADMIN,
    ("GET", "/admin/extraction"): ADMIN,
    ("POST", "/admin/feeds"): ADMIN,
    ("POST", "/admin/feeds/due"): ADMIN,
    ("POST", "/admin/feeds/remove"): ADMIN,
    ("GET", "/settings"): ALL,
    ("POST", "/settings/language"): ALL,
    ("POST", "/settings/tokens"): ALL,
    ("POST", "/settings/tokens/{token_id}/revoke"): ALL,
    ("GET", "/api/v1/cases"): READERS,
    ("POST", "/api/v1/cases"): EDITORS,
    ("GET", "/api/v1/cases/{case_id}"): READERS,
    ("PATCH", "/api/v1/cases/{case_id}"): EDITORS,
    ("POST", "/api/v1/cases/{case_id}/reopen"): EDITORS,
    ("POST", "/api/v1/cases/{case_id}/status"): EDITORS,
    ("POST", "/api/v1/cases/{case_id}/assign"): EDITORS,
    ("GET", "/api/v1/cases/{case_id}/deadlines"): READERS,
    ("GET", "/api/v1/cases/{case_id}/events"): READERS,
    ("POST", "/api/v1/cases/{case_id}/events"): EDITORS,
    ("PATCH", "/api/v1/cases/{case_id}/events/{event_id}"): EDITORS,
    ("DELETE", "/api/v1/cases/{case_id}/events/{event_id}"): EDITORS,
    ("POST", "/api/v1/cases/{case_id}/events/{event_id}/sources"): EDITORS,
    ("GET", "/api/v1/people"): READERS,
    ("POST", "/api/v1/people"): EDITORS,
    ("GET", "/api/v1/people/{person_id}"): READERS,
    ("PATCH", "/api/v1/people/{person_id}"): EDITORS,
    ("GET", "/api/v1/sources"): READERS,
    ("GET", "/api/v1/sources/{source_id}"): READERS,
    ("GET", "/api/v1/search"): READERS,
    ("GET", "/api/v1/exports/anonymised"): ALL,
    ("GET", "/api/v1/exports/anonymised/versions"): ALL,
    ("GET", "/api/v1/exports/anonymised/live"): ADMIN,
    ("GET", "/api/v1/leads"): EDITORS,
    ("GET", "/api/v1/leads/{lead_id}"): EDITORS,
    ("POST", "/api/v1/leads/{lead_id}/accept"): EDITORS,
    ("POST", "/api/v1/leads/{lead_id}/merge"): EDITORS,
    ("POST", "/api/v1/leads/{lead_id}/reject"): EDITORS,
}
PARAM = re.compile(r"\{(\w+)\}")
# Valid bodies for API calls, so that the walk gets past validation to the lookup: with them
# another team's ids must give a 404 (an empty body may be refused first, with a 422).
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/people"): {"pseudonym": "Walking Heron"},
    ("POST", "/api/v1/cases/{case_id}/status"): {"status": "closed"},
    ("POST", "/api/v1/cases/{case_id}/assign"): {"assignee": None},
    ("PATCH", "/api/v1/cases/{case_id}"): {"custom": {}},
    ("PATCH", "/api/v1/cases/{case_id}/events/{event_id}"): {"authority": "court"},
    ("POST", "/api/v1/cases/{case_id}/events/{event_id}/sources"): {"title": "Walked report"},
}
# Routes that delete the record they name: each call gets an event of its own (in the case of
# the ids' team), so the walk's other routes still find `event_a` and `event_b`.
DESTRUCTIVE = {
    ("DELETE", "/api/v1/cases/{case_id}/events/{event_id}"),
    ("POST", "/cases/{case_id}/events/{event_id}/delete"),
}
# Routes that show what a case holds only when something of it is dated (the timeline chart):
# case B gets a dated event first, so an administrator walking team B's ids finds it too.
DATED = {("GET", "/cases/{case_id}/timeline.png")}
OWN = {
    "case_id": "case_a",
    "event_id": "event_a",
    "person_id": "person_a",
    "source_id": "source_free",
    "lead_id": "lead_a",
    "document_id": "document_a",
    "user_id": "user:viewer-a",
    "token_id": "case_a",
    "field_id": "case_a",
    "version": "release_version",
    "suffix": "release_suffix",
    "deadline_id": "deadline_a",
}
FOREIGN = {
    "case_id": "case_b",
    "event_id": "event_b",
    "person_id": "person_b",
    "source_id": "source_b",
    "lead_id": "lead_b",
    "document_id": "document_b",
    "user_id": "user:caseworker-b",
    "token_id": "case_b",
    "field_id": "case_b",
    "version": "release_version",
    "suffix": "release_suffix",
    "deadline_id": "deadline_b",
}
TEAM_SCOPED = {"case_id", "event_id", "person_id", "source_id", "lead_id", "document_id"}


def routes_of(app_routes: list[object], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in app_routes:
        if isinstance(route, Mount):
            if route.path == "/static":
                yield "GET", "/static"
            else:
                yield from routes_of(list(route.routes), prefix + route.path)
        elif hasattr(route, "original_router"):
            included = getattr(route.include_context, "prefix", "") or ""
            yield from routes_of(list(route.original_router.routes), prefix + included)
        elif isinstance(route, APIRoute | Route):
            for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD"}):
                yield method, prefix + str(getattr(route, "path", ""))


def test_every_route_is_classified(app_for: Callable[[], TestClient]) -> None:
    found = set(routes_of(list(app_for().app.routes)))  # type: ignore[attr-defined]
    unclassified = sorted(found - set(ACCESS))
    assert not unclassified, f"classify these routes in ACCESS: {unclassified}"
    assert not sorted(set(ACCESS) - found), "ACCESS lists routes the app no longer has"


def _path(template: str, world: World, ids: dict[str, str]) -> str:
    return PARAM.sub(lambda m: world.ids[ids[m.group(1)]], template)


def _doomed_event(world: World, ids: dict[str, str]) -> dict[str, str]:
    """`ids` with `event_id` naming a new event of the same case, for a route that deletes it."""
    event = add_event(
        world.db,
        Event(case_id=world.ids[ids["case_id"]], type="detention"),
        "test",
        scope=Scope.everything(),
    )
    world.ids["event_doomed"] = event.id or ""
    return {**ids, "event_id": "event_doomed"}


def _dated_event(world: World, case_key: str) -> None:
    add_event(
        world.db,
        Event(case_id=world.ids[case_key], type="detention", date=from_day(date(2026, 11, 3))),
        "test",
        scope=Scope.everything(),
    )


def _canaries(world: World) -> list[str]:
    return [
        CANARY_NAME,
        CANARY_PSEUDONYM,
        CANARY_TITLE,
        CANARY_SOURCE,
        "Quillfeather",
        world.ids["case_b"],
        world.ids["person_b"],
        world.ids["source_b"],
        world.ids["event_b"],
        world.ids["lead_b"],
        world.ids["document_b"],
    ]


def _call(
    client: TestClient, method: str, path: str, api_token: str | None, body: object = None
) -> tuple[int, str]:
    if path.startswith("/api/"):
        headers = {"authorization": f"Bearer {api_token}"}
        if body is None and method in ("POST", "PATCH"):
            body = {}
        response = client.request(method, path, headers=headers, json=body)
    elif method == "POST":
        response = client.post(path, data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    else:
        response = client.get(path, follow_redirects=False)
    return response.status_code, response.text


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_route_with_own_and_foreign_ids(
    role: str, world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as(f"{role}-a")
    token = create_token(
        world.db, world.ids.get(f"user:{role}-a") or user_id_of(world, f"{role}-a"), "walk", "test"
    )
    published = publish_release(world.db, actor="test")
    world.ids |= {"release_version": str(published.version), "release_suffix": "csv"}
    canaries = _canaries(world)
    failures = []
    for (method, template), allowed in sorted(ACCESS.items()):
        if allowed in (PUBLIC, SESSION) or template in ("/static",):
            continue
        permitted = role in allowed
        for label, ids in (("own", OWN), ("foreign", FOREIGN)):
            params = set(PARAM.findall(template))
            if label == "foreign" and not params & TEAM_SCOPED:
                continue
            if (method, template) in DESTRUCTIVE:
                ids = _doomed_event(world, ids)
            if (method, template) in DATED and label == "foreign":
                _dated_event(world, ids["case_id"])
            sent = BODIES.get((method, template))
            status, body = _call(client, method, _path(template, world, ids), token, sent)
            expected_ok = permitted and (label == "own" or role == "admin")
            if not permitted and status not in (403, 404):
                failures.append(f"{role} {method} {template} ({label}): {status}, expected 403")
            # 422: the API refused the empty body before looking anything up (id-independent).
            foreign_ok = (404,) if sent is not None else (404, 422)
            if permitted and label == "foreign" and role != "admin" and status not in foreign_ok:
                failures.append(f"{role} {method} {template} (foreign): {status}, expected 404")
            if expected_ok and sent is not None and status >= 400:
                failures.append(f"{role} {method} {template} ({label}): {status} with a valid body")
            if expected_ok and (
                status in (401, 403) or status >= 500 or (status == 303 and "/login" in body)
            ):
                failures.append(f"{role} {method} {template} ({label}): {status}")
            if expected_ok and method == "GET" and status != 200:
                failures.append(f"{role} GET {template} ({label}): {status}, expected 200")
            if role != "admin":
                leaked = [c for c in canaries if c in body]
                if leaked:
                    failures.append(f"{role} {method} {template} ({label}) leaked {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["caseworker", "viewer"])
def test_search_finds_nothing_of_another_team(
    role: str, world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as(f"{role}-a")
    for query in ("Quillfeather", "Zebulon", "Marchetti", "Ptarmigan", "Novi Sad", "expulsion"):
        for path in (f"/search?q={query}", f"/cases?q={query}"):
            body = client.get(path).text
            assert not [c for c in _canaries(world) if c in body and c != query], (path, query)


def test_caseworker_finds_own_person_by_real_name_in_another_script(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    body = client_as("caseworker-a").get("/search?q=Volokhonsky").text
    assert "Heron Alpha" in body


def test_viewer_cannot_search_by_real_name(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    body = client_as("viewer-a").get("/search?q=Volokhonsky").text
    assert "Heron Alpha" not in body


def test_identity_is_shown_only_on_request_and_the_read_is_audited(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    from sqlalchemy import select

    from havenwatch.store.schema import audit_log

    client = client_as("caseworker-a")
    plain = client.get(f"/people/{world.ids['person_a']}").text
    assert "Petr Volokhonsky" not in plain
    shown = client.get(f"/people/{world.ids['person_a']}?identity=1").text
    assert "Petr Volokhonsky" in shown
    with world.db.read() as conn:
        actions = conn.execute(select(audit_log.c.action, audit_log.c.target_id)).all()
    assert ("person.read_identity", world.ids["person_a"]) in [tuple(a) for a in actions]
    viewer = client_as("viewer-a").get(f"/people/{world.ids['person_a']}?identity=1").text
    assert "Petr Volokhonsky" not in viewer


def test_researcher_exports_hold_no_names(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    publish_release(world.db, actor="test")
    client = client_as("researcher-a")
    for path in ("/transfer/anonymised.csv", "/transfer/anonymised.json"):
        body = client.get(path).text
        assert "Volokhonsky" not in body and CANARY_NAME not in body and "Heron" not in body
