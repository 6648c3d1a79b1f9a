"""What every page promises: security headers, no outside resources, forms without JavaScript,
accessible structure, three languages, and error pages that reveal nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from lxml import html

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.core.model import Case
from havenwatch.web.headers import CONTENT_SECURITY_POLICY
from tests.web.conftest import World, csrf_of

PAGES = [
    "/",
    "/cases",
    "/cases/new",
    "/people",
    "/people/new",
    "/sources",
    "/search?q=heron",
    "/leads",
    "/transfer",
    "/admin/users",
    "/admin/audit",
    "/admin/fields",
    "/settings",
]


def own_pages(world: World) -> list[str]:
    ids = world.ids
    return [
        *PAGES,
        f"/cases/{ids['case_a']}",
        f"/people/{ids['person_a']}",
        f"/sources/{ids['source_free']}",
        f"/leads/{ids['lead_a']}",
        f"/cases/{ids['case_a']}/events/{ids['event_a']}/edit",
        f"/cases/{ids['case_a']}/events/{ids['event_a']}/delete",
        f"/people/{ids['person_a']}/edit",
    ]


def test_security_headers_on_pages_errors_and_api(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    client = client_as("admin-a")
    for path in [*own_pages(world), "/no-such-page", "/api/v1/cases", "/login"]:
        response = client.get(path)
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store", path
        assert "server" not in headers and "x-powered-by" not in headers


def _links(document: html.HtmlElement) -> list[str]:
    found = []
    for element in document.iter():
        for attribute in ("src", "href", "action", "srcset", "data", "poster"):
            value = element.get(attribute)
            if value:
                found.append(value)
    return found


def test_pages_load_nothing_from_elsewhere_and_have_no_inline_script(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    client = client_as("admin-a")
    for path in own_pages(world):
        text = client.get(path).text
        document = html.fromstring(text)
        for link in _links(document):
            parsed = urlparse(link)
            external = parsed.scheme in ("http", "https") or link.startswith("//")
            assert not external or link.startswith("https://news.example.org"), (path, link)
        for script in document.iter("script"):
            assert script.get("src", "").startswith("/static/") and not (script.text or "").strip()
        assert " style=" not in text and "<svg" not in text.lower()
        handlers = [a for el in document.iter() for a in el.attrib if a.lower().startswith("on")]
        assert not handlers, (path, handlers)


def test_every_form_works_without_javascript_and_every_field_is_labelled(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    client = client_as("admin-a")
    for path in own_pages(world):
        document = html.fromstring(client.get(path).text)
        for form in document.iter("form"):
            assert form.get("action") and form.get("method") in ("get", "post"), (
                path,
                form.get("action"),
            )
            if form.get("method") == "post":
                assert form.xpath(".//input[@name='csrf_token']") or form.get("action") == "/login"
        labelled = {label.get("for") for label in document.iter("label")}
        for field in document.xpath("//input[not(@type='hidden')] | //select | //textarea"):
            assert field.get("id") in labelled, (path, field.get("name"))


def test_headings_are_in_order_with_landmarks(
    client_as: Callable[[str], TestClient], world: World
) -> None:
    client = client_as("admin-a")
    for path in own_pages(world):
        document = html.fromstring(client.get(path).text)
        assert document.xpath("//main") and document.xpath("//header") and document.xpath("//nav")
        levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4")]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)
        assert document.get("lang")


@pytest.mark.parametrize(
    ("locale", "expected"), [("ru", "Открытые дела"), ("sr_Latn", "Otvoreni predmeti")]
)
def test_language_choice_sticks_and_translates_the_interface(
    locale: str, expected: str, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    assert "Open cases" in client.get("/").text
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": locale})
    page = client.get("/").text
    assert expected in page and "Open cases" not in page
    assert f'lang="{locale.replace("_", "-")}"' in page


def test_login_page_offers_each_language(app_for: Callable[[], TestClient]) -> None:
    client = app_for()
    assert "Войти" in client.get("/login?lang=ru").text
    assert "Prijava" in client.get("/login?lang=sr_Latn").text
    assert "Prijava" in client.get("/login").text


def test_error_page_reveals_nothing_of_the_failure(
    world: World, app_for: Callable[[], TestClient]
) -> None:
    client = app_for()
    app = client.app
    router = APIRouter()
    sentinel = "SENTINEL-Zebulon-secret-7781"

    @router.get("/boom")
    def boom() -> None:
        secret_in_scope = sentinel
        raise RuntimeError(f"failed for {secret_in_scope}")

    app.include_router(router)  # type: ignore[attr-defined]
    response = client.get("/boom")
    assert response.status_code == 500
    assert sentinel not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text


def test_not_found_never_echoes_the_requested_path(app_for: Callable[[], TestClient]) -> None:
    response = app_for().get("/people/Zebulon-Quillfeather")
    assert response.status_code == 200 and "/login" in str(response.url)
    assert "Zebulon" not in response.text


def test_api_docs_are_off_unless_enabled(app_for: Callable[[], TestClient]) -> None:
    client = app_for()
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "havenwatch API"


def test_chart_is_a_png_with_the_same_numbers_in_a_table(
    client_as: Callable[[str], TestClient],
) -> None:
    client = client_as("caseworker-a")
    assert client.get("/charts/incidents.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    document = html.fromstring(client.get("/").text)
    image = document.xpath("//img[@src='/charts/incidents.png']")[0]
    assert image.get("alt")
    table = document.xpath("//table[contains(@class, 'numbers')]")[0]
    assert table.xpath(".//td[text()='1']")


def test_dashboard_counts_a_case_opened_a_moment_ago(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")

    def open_cases() -> str:
        page = html.fromstring(client.get("/").text)
        return str(page.xpath("string(//a[@href='/cases?status=open']/span[@class='value'])"))

    before = open_cases()
    add_case(
        world.db,
        Case(person_id=world.ids["person_a"], country="RS", title="new", team="team-a"),
        "test",
        scope=Scope.everything(),
    )
    assert int(open_cases()) == int(before) + 1


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "This password is one of the most common ones."),
        ("ru", "Этот пароль — один из самых распространённых."),
        ("sr_Latn", "Ova lozinka je jedna od najčešćih."),
    ],
)
def test_a_common_password_for_a_new_user_is_refused_in_the_admins_language(
    client_as: Callable[[str], TestClient], locale: str, expected: str
) -> None:
    client = client_as("admin-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": locale})
    form = {"username": "marta", "password": "password123", "role": "viewer", "team": "team-a"}
    answer = client.post("/admin/users", data={**form, "csrf_token": csrf_of(client)})
    assert answer.status_code == 400
    assert expected in answer.text
    assert "marta" not in client.get("/admin/users").text
