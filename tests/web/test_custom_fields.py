"""Fields a team defines, in the workspace and the API: defined by an administrator (audited),
filled in on the person and case forms, shown on their pages, carried by the API, validated
in the user's language, sealed when identifying, and invisible to other teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.custom_fields import define_field
from havenwatch.core.custom_fields import FieldDefinition, Option
from havenwatch.store.schema import audit_log, custom_values
from tests.web.conftest import World, api_headers, csrf_of

CITY = "Sremski Karlovci canary"
AGENCY = (Option("bia", {"en": "Security agency", "ru": "БИА", "sr_Latn": "BIA"}),
          Option("mup", {"en": "Interior ministry", "ru": "МВД", "sr_Latn": "MUP"}))  # fmt: skip


def _define(world: World, team: str = "team-a") -> None:
    for definition in (
        FieldDefinition("occupation", "person", "text",
                        {"en": "Occupation", "ru": "Профессия", "sr_Latn": "Zanimanje"}),
        FieldDefinition("city", "person", "text",
                        {"en": "City", "ru": "Город", "sr_Latn": "Grad"}, identifying=True),
        FieldDefinition("children", "person", "number", {"en": "Children", "ru": "Дети"},
                        required=True),
        FieldDefinition("opinion_by", "case", "choice",
                        {"en": "Opinion by", "ru": "Заключение дал", "sr_Latn": "Mišljenje dao"},
                        options=AGENCY),
        FieldDefinition("revoked_on", "case", "date", {"en": "Residence revoked on"}),
        FieldDefinition("has_lawyer", "case", "yes_no",
                        {"en": "Has a lawyer", "ru": "Есть адвокат", "sr_Latn": "Ima advokata"}),
    ):  # fmt: skip
        define_field(world.db, definition, "test", team=team, scope=Scope.everything())


def _new_person(client: TestClient, **values: str) -> Any:
    data = {
        "pseudonym": "Kestrel Gamma",
        "consent": "none",
        "risk_level": "high",
        "custom_occupation": "journalist",
        "custom_city": CITY,
        "custom_children": "2",
        **values,
        "csrf_token": csrf_of(client),
    }
    return client.post("/people", data=data, follow_redirects=False)


def _facts(page: str) -> dict[str, str]:
    document = html.fromstring(page)
    return {
        node.get("data-field"): node.text_content().strip()
        for node in document.xpath("//dd[@data-field]")
    }


def _alert(page: str) -> str:
    return str(html.fromstring(page).xpath("//*[@role='alert']")[0].text_content().strip())


def test_an_administrator_defines_a_field_on_the_page_and_the_definition_is_audited(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    admin = client_as("admin-a")
    data = {
        "team": "team-a",
        "applies_to": "case",
        "key": "decision_number",
        "kind": "text",
        "label_en": "Decision number",
        "label_ru": "Номер решения",
        "label_sr_Latn": "Broj rešenja",
        "identifying": "1",
        "csrf_token": csrf_of(admin),
    }
    assert admin.post("/admin/fields", data=data, follow_redirects=False).status_code == 303
    assert "Broj rešenja" in admin.get("/admin/fields").text
    with world.db.read() as conn:
        entry = conn.execute(
            select(audit_log).where(audit_log.c.action == "custom_field.define")
        ).one()
    assert (entry.actor, entry.detail["key"], entry.detail["identifying"]) == (
        "user:admin-a", "decision_number", True,
    )  # fmt: skip
    refused = admin.post("/admin/fields", data={**data, "key": "Decision No"})
    assert refused.status_code == 400
    assert "Key: 'Decision No' is not a key" in _alert(refused.text)
    assert client_as("caseworker-a").get("/admin/fields").status_code == 403


def test_a_caseworker_fills_the_teams_fields_and_the_identifying_one_is_sealed(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define(world)
    client = client_as("caseworker-a")
    form = html.fromstring(client.get("/people/new").text)
    assert form.xpath("//label[@for='custom_city']/text()")[0].startswith("City")
    created = _new_person(client)
    assert created.status_code == 303, created.text[-2000:]
    person_page = created.headers["location"]
    shown = _facts(client.get(person_page).text)
    assert shown["occupation"] == "journalist" and shown["children"] == "2"
    assert CITY not in client.get(person_page).text
    assert _facts(client.get(person_page + "?identity=1").text)["city"] == CITY
    with world.db.read() as conn:
        rows = conn.execute(select(custom_values)).all()
    stored = {row.value for row in rows} | {bytes(row.sealed or b"") for row in rows}
    assert "journalist" in stored and CITY not in stored
    assert not any(CITY.encode() in bytes(row.sealed or b"") for row in rows)


def test_a_required_field_left_empty_is_one_line_in_the_users_language(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define(world)
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "ru", "csrf_token": csrf_of(client)})
    refused = _new_person(client, custom_children="")
    assert refused.status_code == 400
    error = _alert(refused.text)
    assert "Дети: " in error and "children" not in error
    assert "Дети: 'два'" in _alert(_new_person(client, custom_children="два").text)


def test_the_case_page_shows_and_changes_the_cases_fields(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define(world)
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "sr_Cyrl", "csrf_token": csrf_of(client)})
    new_case = client.get(f"/cases/new?person={world.ids['person_a']}").text
    assert "Мишљење дао" in new_case
    created = client.post(
        "/cases",
        data={
            "person_id": world.ids["person_a"],
            "country": "RS",
            "title": "Novi Sad residence",
            "custom_opinion_by": "БИА",
            "custom_revoked_on": "03.03.2025.",
            "custom_has_lawyer": "да",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text[-1500:]
    case_page = created.headers["location"]
    shown = _facts(client.get(case_page).text)
    case_keys = ("opinion_by", "revoked_on", "has_lawyer")
    assert {key: shown[key] for key in case_keys} == {
        "opinion_by": "БИА", "revoked_on": "03.03.2025.", "has_lawyer": "да"
    }  # fmt: skip
    changed = client.post(
        case_page + "/fields",
        data={"custom_opinion_by": "mup", "custom_has_lawyer": "no", "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert _facts(client.get(case_page).text)["opinion_by"] == "МУП"
    with world.db.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "case.update")).one()
    assert entry.detail == {"changed": ["custom.opinion_by", "custom.has_lawyer"]}


def test_another_teams_fields_and_values_stay_invisible(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _define(world)
    own = client_as("caseworker-a")
    person_page = _new_person(own).headers["location"]
    other = client_as("caseworker-b")
    assert "custom_occupation" not in other.get("/people/new").text
    assert other.get(person_page).status_code == 404
    assert "occupation" not in client_as("caseworker-b").get("/admin/fields").text
    refused = _new_person(other, pseudonym="Teal Delta")
    assert refused.status_code == 303  # team B's form has no such field: nothing of A's used
    with world.db.read() as conn:
        team_b_values = conn.execute(
            select(custom_values).where(
                custom_values.c.record_id == refused.headers["location"].rsplit("/", 1)[1]
            )
        ).all()
    assert team_b_values == []


def test_the_api_carries_the_fields_and_never_an_identifying_value(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    _define(world)
    client, headers = app_for(), api_headers(world, "caseworker-a")
    created = client.post(
        "/api/v1/people",
        json={"pseudonym": "Kestrel Gamma", "custom": {"occupation": "journalist",
              "city": CITY, "children": 2}},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["custom"] == {"occupation": "journalist", "children": 2}
    person_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/people/{person_id}", json={"custom": {"children": "3,5"}}, headers=headers
    )
    assert patched.json()["custom"]["children"] == 3.5
    refused = client.patch(
        f"/api/v1/people/{person_id}", json={"custom": {"children": None}}, headers=headers
    )
    assert refused.status_code == 400 and "Children" in refused.text
    unknown = client.patch(
        f"/api/v1/people/{person_id}", json={"custom": {"shoe_size": 44}}, headers=headers
    )
    assert unknown.status_code == 400 and "shoe_size" in unknown.text
    case = client.post(
        "/api/v1/cases",
        json={"person_id": person_id, "country": "RS", "custom": {"opinion_by": "BIA",
              "has_lawyer": True, "revoked_on": "2025-03-03"}},
        headers=headers,
    )  # fmt: skip
    assert case.status_code == 201, case.text
    expected = {"opinion_by": "bia", "has_lawyer": True, "revoked_on": "2025-03-03"}
    assert case.json()["custom"] == expected
    assert (
        client.get(f"/api/v1/cases/{case.json()['id']}", headers=headers).json()["custom"]
        == expected
    )
    other = api_headers(world, "caseworker-b")
    assert client.get(f"/api/v1/people/{person_id}", headers=other).status_code == 404
    assert (
        client.patch(
            f"/api/v1/cases/{case.json()['id']}",
            json={"custom": {"has_lawyer": False}},
            headers=other,
        ).status_code
        == 404
    )


def test_an_events_fields_are_filled_on_the_case_page_shown_in_the_timeline_and_edited(
    world: World, client_as: Callable[[str], TestClient], app_for: Callable[[], TestClient]
) -> None:
    define_field(
        world.db,
        FieldDefinition("court_file", "event", "text", {"en": "Court file"}, identifying=True),
        "test", team="team-a", scope=Scope.everything(),
    )  # fmt: skip
    define_field(
        world.db, FieldDefinition("days_given", "event", "number", {"en": "Days given"}),
        "test", team="team-a", scope=Scope.everything(),
    )  # fmt: skip
    client, case_page = client_as("caseworker-a"), f"/cases/{world.ids['case_a']}"
    added = client.post(
        f"{case_page}/events",
        data={"type": "residence_revoked", "custom_court_file": "U 4471/25",
              "custom_days_given": "30", "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303, added.text[-1500:]
    event_id = added.headers["location"].rsplit("#event-", 1)[1]
    shown = _facts(client.get(case_page).text)
    assert (shown["court_file"], shown["days_given"]) == ("U 4471/25", "30")
    edit = html.fromstring(client.get(f"{case_page}/events/{event_id}/edit").text)
    assert edit.xpath("//input[@name='custom_court_file']/@value") == ["U 4471/25"]
    saved = client.post(
        f"{case_page}/events/{event_id}",
        data={"type": "residence_revoked", "custom_court_file": "U 4471/25",
              "custom_days_given": "thirty", "csrf_token": csrf_of(client)},
    )  # fmt: skip
    assert saved.status_code == 400 and "Days given: 'thirty'" in _alert(saved.text)
    headers = api_headers(world, "caseworker-a")
    patched = app_for().patch(
        f"/api/v1/cases/{world.ids['case_a']}/events/{event_id}",
        json={"custom": {"days_given": 15}}, headers=headers,
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["custom"] == {"days_given": 15}
    with world.db.read() as conn:
        sealed = conn.execute(
            select(custom_values.c.sealed).where(custom_values.c.record_id == event_id)
        ).scalars()
        assert [bytes(blob) for blob in sealed if blob] != []


def test_saving_an_event_with_its_fields_writes_one_audit_entry_on_the_page_and_in_the_api(
    world: World, client_as: Callable[[str], TestClient], app_for: Callable[[], TestClient]
) -> None:
    define_field(
        world.db, FieldDefinition("days_given", "event", "number", {"en": "Days given"}),
        "test", team="team-a", scope=Scope.everything(),
    )  # fmt: skip
    client, case_id = client_as("caseworker-a"), world.ids["case_a"]
    added = client.post(
        f"/cases/{case_id}/events",
        data={
            "type": "residence_revoked",
            "custom_days_given": "30",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    event_id = added.headers["location"].rsplit("#event-", 1)[1]

    def updates() -> list[Any]:
        with world.db.read() as conn:
            query = select(audit_log.c.detail).where(
                audit_log.c.action == "event.update", audit_log.c.target_id == event_id
            )
            return [row.detail for row in conn.execute(query.order_by(audit_log.c.seq))]

    saved = client.post(
        f"/cases/{case_id}/events/{event_id}",
        data={"type": "residence_revoked", "outcome": "pending", "custom_days_given": "15",
              "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303, saved.text[-800:]
    assert updates() == [{"changed": ["custom.days_given"]}]
    patched = app_for().patch(
        f"/api/v1/cases/{case_id}/events/{event_id}",
        json={"outcome": "granted", "custom": {"days_given": 20}},
        headers=api_headers(world, "caseworker-a"),
    )
    assert patched.status_code == 200, patched.text
    assert updates()[1:] == [{"changed": ["outcome", "custom.days_given"]}]
