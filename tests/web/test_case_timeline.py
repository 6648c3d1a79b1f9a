"""The case page draws the case's events, deadlines and outcomes on one axis, as a PNG with alt
text and the same dates in a table beside it, in the user's language."""

from __future__ import annotations

import base64
from collections.abc import Callable

from fastapi.testclient import TestClient
from lxml import html as lxml_html

from tests.web.conftest import World, csrf_of, served_expulsion_order


def test_the_case_page_shows_its_timeline_chart_with_a_table_beside(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    served_expulsion_order(world)
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "ru", "csrf_token": csrf_of(client)})

    page = lxml_html.fromstring(client.get(f"/cases/{world.ids['case_a']}").text)

    (image,) = page.xpath("//div[@class='timeline-chart']//img")
    assert image.get("src").startswith("data:image/png;base64,")
    assert base64.b64decode(image.get("src").split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.get("alt").startswith("Диаграмма хронологии дела")
    kinds = [
        row.xpath("td")[1].text for row in page.xpath("//div[@class='timeline-chart']//tbody/tr")
    ]
    assert "События" in kinds and "Сроки" in kinds
