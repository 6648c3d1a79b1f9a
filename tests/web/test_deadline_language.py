"""The legal deadline texts follow the user's language: case page, dashboard, API, .ics."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import World, api_headers, csrf_of, served_expulsion_order

ClientAs = Callable[[str], TestClient]
ENGLISH = ("Appeal (žalba)", "from service on", "is not counted")


def _speaking(client_as: ClientAs, locale: str, username: str = "caseworker-a") -> TestClient:
    client = client_as(username)
    response = client.post(
        "/settings/language", data={"csrf_token": csrf_of(client), "locale": locale}
    )
    assert response.status_code < 400
    return client


def _deadlines_panel(page: str) -> str:
    return page[page.index('id="deadlines') :]


def test_the_case_page_shows_its_deadlines_in_russian(world: World, client_as: ClientAs) -> None:
    served_expulsion_order(world, days_ago=5)
    case_page = f"/cases/{world.ids['case_a']}"
    english = _deadlines_panel(client_as("caseworker-a").get(case_page).text)
    assert all(text in english for text in ENGLISH)
    russian = _deadlines_panel(_speaking(client_as, "ru").get(case_page).text)
    assert "Жалоба (žalba)" in russian and "Административный суд" in russian
    assert "с вручения" in russian and "день вручения не считается" in russian
    # dates written the Russian way (the one Russian day format) inside the explanations
    assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", russian) and " г." not in russian
    assert not [text for text in ENGLISH if text in russian]


def test_the_dashboard_list_is_cached_per_language(world: World, client_as: ClientAs) -> None:
    served_expulsion_order(world, days_ago=5)
    assert "Appeal (žalba)" in client_as("caseworker-a").get("/").text
    serbian = _speaking(client_as, "sr_Latn").get("/").text
    assert "Žalba" in serbian and "Appeal (žalba)" not in serbian


def test_the_api_answers_in_the_callers_language(
    world: World, client_as: ClientAs, app_for: Callable[[], TestClient]
) -> None:
    served_expulsion_order(world, days_ago=5)
    _speaking(client_as, "sr_Latn", "viewer-a")
    response = app_for().get(
        f"/api/v1/cases/{world.ids['case_a']}/deadlines", headers=api_headers(world, "viewer-a")
    )
    assert response.status_code == 200, response.text
    labels = {d["remedy"]: d["remedy_label"] for d in response.json()["deadlines"]}
    assert labels["appeal"] == "Žalba"
    assert all(
        "od dostavljanja" in d["explanation"]
        for d in response.json()["deadlines"]
        if d["remedy"] == "appeal"
    )


def test_the_calendar_feed_is_written_in_the_users_language(
    world: World, client_as: ClientAs
) -> None:
    served_expulsion_order(world, days_ago=5)
    client = _speaking(client_as, "ru")
    feed = client.get(f"/cases/{world.ids['case_a']}/deadlines.ics").text.replace("\r\n ", "")
    assert "Последний день:" in feed and "Жалоба (žalba): срок" in feed
    team_feed = client.get("/deadlines.ics").text.replace("\r\n ", "")
    assert "Как посчитано:" in team_feed and "Last day:" not in team_feed


def test_serbian_cyrillic_pages_and_deadlines_are_written_from_the_latin_texts(
    world: World, client_as: ClientAs
) -> None:
    served_expulsion_order(world, days_ago=5)
    case_page = f"/cases/{world.ids['case_a']}"
    latin = _speaking(client_as, "sr_Latn").get(case_page).text
    cyrillic_page = _speaking(client_as, "sr_Cyrl", "admin-a").get(case_page).text
    assert 'lang="sr-Cyrl"' in cyrillic_page
    latin_panel, cyrillic = _deadlines_panel(latin), _deadlines_panel(cyrillic_page)
    assert "Upravni sud" in latin_panel and "Управни суд" in cyrillic
    assert "Upravni sud" not in cyrillic and not [text for text in ENGLISH if text in cyrillic]


@pytest.mark.parametrize(
    ("locale", "decision", "service"),
    [
        (
            "ru",
            "Прекращение права на временное проживание (prestanak prava na privremeni boravak)",
            "Обычная почта (внутри страны)",
        ),
        ("sr_Latn", "Prestanak prava na privremeni boravak", None),
    ],
)
def test_the_event_form_offers_decision_codes_in_the_user_s_language(
    client_as: ClientAs, world: World, locale: str, decision: str, service: str | None
) -> None:
    page = _speaking(client_as, locale).get(f"/cases/{world.ids['case_a']}").text
    form = page[page.index('id="new-decision_code"') :]
    form = form[: form.index("</select>")]
    assert f'<option value="temporary_residence_terminated">{decision}</option>' in form
    assert "temporary residence terminated" not in form
    if service is not None:
        assert f'<option value="ordinary_post">{service}</option>' in page
