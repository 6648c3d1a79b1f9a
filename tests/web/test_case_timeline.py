"""The case page shows the case's events, deadlines and outcomes on one axis: a PNG it links
(`/cases/{id}/timeline.png`, with alt text) and the same dates in a table beside it, in the
user's language. The page never draws the chart; the image route does, for the readers of
the page only, and lets the browser keep it (ETag, a private cache)."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from lxml import html as lxml_html
from PIL import Image

import havenwatch.web.routes.cases as case_routes
from havenwatch.reports.charts import timeline_png
from tests.web.conftest import World, csrf_of, served_expulsion_order

PNG = b"\x89PNG\r\n\x1a\n"


def chart_image(client: TestClient, case_id: str) -> lxml_html.HtmlElement:
    page = lxml_html.fromstring(client.get(f"/cases/{case_id}").text)
    (image,) = page.xpath("//div[@class='timeline-chart']//img")
    return image


def test_the_case_page_links_its_timeline_chart_with_a_table_beside(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    served_expulsion_order(world)
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "ru", "csrf_token": csrf_of(client)})
    case_id = world.ids["case_a"]

    page = lxml_html.fromstring(client.get(f"/cases/{case_id}").text)

    (image,) = page.xpath("//div[@class='timeline-chart']//img")
    assert image.get("src").startswith(f"/cases/{case_id}/timeline.png?v=")
    assert image.get("alt").startswith("Диаграмма хронологии дела")
    kinds = [
        row.xpath("td")[1].text for row in page.xpath("//div[@class='timeline-chart']//tbody/tr")
    ]
    assert "События" in kinds and "Сроки" in kinds
    response = client.get(image.get("src"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content[:8] == PNG
    drawn = Image.open(io.BytesIO(response.content))
    assert drawn.size == (int(image.get("width")), int(image.get("height")))


def test_the_case_page_does_not_draw_the_chart(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    served_expulsion_order(world)
    client = client_as("caseworker-a")
    timeline_png.cache_clear()

    page = client.get(f"/cases/{world.ids['case_a']}")

    assert page.status_code == 200
    assert "data:image/png" not in page.text
    assert timeline_png.cache_info().currsize == 0
    client.get(chart_image(client, world.ids["case_a"]).get("src"))
    assert timeline_png.cache_info().currsize == 1
    drawing = ("matplotlib", "havenwatch.reports.charts")
    borrowed = [
        name
        for name, value in vars(case_routes).items()
        if str(getattr(value, "__module__", "")).startswith(drawing)
    ]
    assert borrowed == [], "the case page's module uses the drawing code"


def test_the_chart_is_never_stored_and_its_etag_follows_the_case(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id = world.ids["case_a"]
    first = chart_image(client, case_id).get("src")

    response = client.get(first)
    etag = response.headers["etag"]
    assert response.headers["cache-control"] == "no-store"
    again = client.get(first, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    served_expulsion_order(world)
    changed = chart_image(client, case_id).get("src")
    assert changed != first
    stale = client.get(first, headers={"If-None-Match": etag})
    assert stale.status_code == 200 and stale.headers["etag"] != etag
    assert stale.headers["cache-control"] == "no-store"


def test_the_chart_follows_the_users_language(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    english = chart_image(client, world.ids["case_a"]).get("src")
    client.post("/settings/language", data={"locale": "sr_Cyrl", "csrf_token": csrf_of(client)})

    serbian = chart_image(client, world.ids["case_a"]).get("src")

    assert serbian != english
    assert client.get(serbian).content[:8] == PNG


def test_the_chart_of_another_teams_case_is_not_found(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    own = chart_image(client_as("caseworker-a"), world.ids["case_a"]).get("src")

    refused = client_as("caseworker-b").get(own)

    assert refused.status_code == 404 and PNG not in refused.content


def test_the_chart_needs_a_signed_in_reader(
    world: World, client_as: Callable[[str], TestClient], app_for: Callable[[], TestClient]
) -> None:
    path = chart_image(client_as("caseworker-a"), world.ids["case_a"]).get("src")

    anonymous = app_for().get(path, follow_redirects=False)
    researcher = client_as("researcher-a").get(path, follow_redirects=False)

    assert anonymous.status_code in (303, 401) and PNG not in anonymous.content
    assert researcher.status_code == 403 and PNG not in researcher.content


def test_a_case_with_nothing_dated_has_no_chart(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-b")
    case_id = world.ids["case_b"]  # one expulsion order, its day unknown

    page = lxml_html.fromstring(client.get(f"/cases/{case_id}").text)

    assert page.xpath("//ol[@class='timeline']")
    assert not page.xpath("//div[@class='timeline-chart']")
    assert client.get(f"/cases/{case_id}/timeline.png").status_code == 404
