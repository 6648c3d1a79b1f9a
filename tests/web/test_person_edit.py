"""Editing a person in the workspace and through the API: names, index, audit, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from lxml import html
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.people import edit_person, find_people_by_name, get_person
from havenwatch.core.clock import today
from havenwatch.store.schema import audit_log
from tests.web.conftest import CANARY_NAME, World, api_headers, csrf_of

FORM = {
    "pseudonym": "Osprey Beta",
    "nationality": "ru",
    "gender": "",
    "birth_year": "1987",
    "family_affected_count": "2",
    "consent": "anonymised",
    "risk_level": "high",
    "full_name": "Elena Koposova",
    "other_names": "Елена Копосова\nJelena Koposova",
    "date_of_birth": "1987-05-06",
    "contact": "signal:+381600000001",
    "address": "",
    "document_numbers": "",
    "identity_notes": "",
}


def _post(client: TestClient, world: World, **values: str) -> Any:
    data = {**FORM, **values, "csrf_token": csrf_of(client)}
    return client.post(f"/people/{world.ids['person_a']}", data=data, follow_redirects=False)


def _audit(world: World, action: str) -> list[Any]:
    with world.db.read() as conn:
        return list(
            conn.execute(
                select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq)
            )
        )


def test_the_edit_form_shows_the_stored_identity_and_opening_it_is_audited(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    page = client_as("caseworker-a").get(f"/people/{world.ids['person_a']}/edit")
    assert page.status_code == 200
    document = html.fromstring(page.text)
    assert document.xpath("//input[@name='full_name']/@value") == ["Petr Volokhonsky"]
    assert document.xpath("//input[@name='pseudonym']/@value") == ["Heron Alpha"]
    assert "Волохонский Пётр" in document.xpath("//textarea[@name='other_names']")[0].text
    reads = _audit(world, "person.read_identity")
    assert [(e.actor, e.target_id) for e in reads] == [("user:caseworker-a", world.ids["person_a"])]


def test_a_new_name_is_found_by_name_search_and_the_old_one_no_longer(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    response = _post(client, world)
    assert response.status_code == 303
    assert response.headers["location"] == f"/people/{world.ids['person_a']}"
    for old in ("Volokhonsky", "Волохонский", "Heron"):
        assert "Osprey Beta" not in client.get(f"/search?q={old}").text, old
    for new in ("Koposova", "Копосова", "Osprey"):
        assert "Osprey Beta" in client.get(f"/search?q={new}").text, new
    assert find_people_by_name(world.db, "Volokhonsky", scope=Scope.everything()) == []


def test_the_saved_edit_is_stored_sealed_and_audited_without_values(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    assert _post(client_as("caseworker-a"), world).status_code == 303
    stored = get_person(
        world.db, world.ids["person_a"], actor="test", with_identity=True, scope=Scope.everything()
    )
    assert (stored.pseudonym, stored.nationality, stored.risk_level) == (
        "Osprey Beta",
        "RU",
        "high",
    )
    assert stored.identity.other_names == ["Елена Копосова", "Jelena Koposova"]
    assert str(stored.identity.date_of_birth) == "1987-05-06"
    (entry,) = _audit(world, "person.update")
    assert entry.actor == "user:caseworker-a"
    assert "identity.full_name" in entry.detail["changed"]
    assert "Koposova" not in repr(entry.detail) and "Osprey" not in repr(entry.detail)


def test_fields_the_form_does_not_show_keep_their_values(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    edit_person(
        world.db,
        world.ids["person_a"],
        "test",
        changes={"family_relation": "brother"},
        scope=Scope.everything(),
    )
    assert _post(client_as("caseworker-a"), world).status_code == 303
    stored = get_person(world.db, world.ids["person_a"], actor="test", scope=Scope.everything())
    assert (stored.family_relation, stored.team) == ("brother", "team-a")


def test_a_bad_value_gives_a_one_line_error_and_keeps_what_was_typed(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    response = _post(client_as("caseworker-a"), world, birth_year="nineteen")
    assert response.status_code == 400
    document = html.fromstring(response.text)
    alert = document.xpath("//div[@role='alert']")[0].text_content()
    assert "birth_year" in alert and len(alert.strip().splitlines()) == 1
    assert "Traceback" not in response.text
    assert document.xpath("//input[@name='full_name']/@value") == ["Elena Koposova"]
    unchanged = get_person(
        world.db, world.ids["person_a"], actor="test", with_identity=True, scope=Scope.everything()
    )
    assert unchanged.identity.full_name == "Petr Volokhonsky"


def test_an_edit_without_the_csrf_token_is_refused(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    response = client.post(f"/people/{world.ids['person_a']}", data=FORM, follow_redirects=False)
    assert response.status_code == 403
    assert (
        get_person(
            world.db, world.ids["person_a"], actor="test", scope=Scope.everything()
        ).pseudonym
        == "Heron Alpha"
    )


def test_another_teams_person_cannot_be_edited_or_opened(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    page = client.get(f"/people/{world.ids['person_b']}/edit")
    assert page.status_code == 404 and CANARY_NAME not in page.text
    data = {**FORM, "csrf_token": csrf_of(client)}
    response = client.post(f"/people/{world.ids['person_b']}", data=data)
    assert response.status_code == 404
    assert find_people_by_name(world.db, "Koposova", scope=Scope.everything()) == []


def test_the_person_page_links_to_the_edit_form_for_editors_only(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    link = f'href="/people/{world.ids["person_a"]}/edit"'
    assert link in client_as("caseworker-a").get(f"/people/{world.ids['person_a']}").text
    assert link not in client_as("viewer-a").get(f"/people/{world.ids['person_a']}").text


def test_the_edit_form_is_translated(world: World, client_as: Callable[[str], TestClient]) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": "sr_Latn"})
    page = client.get(f"/people/{world.ids['person_a']}/edit").text
    assert "Izmeni podatke o osobi" in page and "Sačuvaj izmene" in page


def test_the_api_changes_only_the_fields_sent_and_never_returns_identity(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    response = client.patch(
        f"/api/v1/people/{world.ids['person_a']}",
        headers=api_headers(world, "caseworker-a"),
        json={"risk_level": "critical", "identity": {"full_name": "Elena Koposova"}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["pseudonym"], body["risk_level"]) == ("Heron Alpha", "critical")
    assert "Koposova" not in response.text and "identity" not in body
    stored = get_person(
        world.db, world.ids["person_a"], actor="test", with_identity=True, scope=Scope.everything()
    )
    assert stored.identity.full_name == "Elena Koposova"
    assert stored.identity.other_names == ["Волохонский Пётр"]
    assert find_people_by_name(world.db, "Koposova", scope=Scope.everything()) == [
        world.ids["person_a"]
    ]
    assert find_people_by_name(world.db, "Petr Volokhonsky", scope=Scope.everything()) == [
        world.ids["person_a"]
    ]


def test_the_api_refuses_bad_edits_with_a_short_reason(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client, headers = app_for(), api_headers(world, "caseworker-a")
    path = f"/api/v1/people/{world.ids['person_a']}"
    refused = client.patch(path, headers=headers, json={"pseudonym": None})
    assert refused.status_code == 400 and refused.json()["detail"].startswith("pseudonym")
    assert client.patch(path, headers=headers, json={"pseudonim": "typo"}).status_code == 422
    assert client.patch(path, headers=headers, json={"nationality": "Russia"}).status_code == 422
    foreign = client.patch(
        f"/api/v1/people/{world.ids['person_b']}", headers=headers, json={"pseudonym": "X"}
    )
    assert foreign.status_code == 404
    viewer = client.patch(path, headers=api_headers(world, "viewer-a"), json={"pseudonym": "X"})
    assert viewer.status_code == 403
    assert (
        get_person(
            world.db, world.ids["person_a"], actor="test", scope=Scope.everything()
        ).pseudonym
        == "Heron Alpha"
    )


def test_the_api_clears_a_field_sent_as_null(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    response = app_for().patch(
        f"/api/v1/people/{world.ids['person_a']}",
        headers=api_headers(world, "caseworker-a"),
        json={"nationality": None, "identity": {"other_names": None, "contact": None}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["nationality"] is None
    stored = get_person(
        world.db, world.ids["person_a"], actor="test", with_identity=True, scope=Scope.everything()
    )
    assert (stored.identity.other_names, stored.identity.contact) == ([], None)
    assert stored.identity.full_name == "Petr Volokhonsky"


def test_an_age_alone_becomes_the_year_of_birth(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    assert _post(client, world, birth_year="", age="41").status_code == 303
    stored = get_person(world.db, world.ids["person_a"], actor="test", scope=Scope.everything())
    assert stored.birth_year == today().year - 41
    assert _post(client, world, birth_year="1990", age="41").status_code == 303
    assert (
        get_person(
            world.db, world.ids["person_a"], actor="test", scope=Scope.everything()
        ).birth_year
        == 1990
    )
