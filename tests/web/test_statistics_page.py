"""The statistics page answers a team's question with numbers that link to the cases behind
them, a chart, CSV and PNG downloads, in the user's language and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import World, csrf_of


def test_a_year_of_entry_bans_counts_the_teams_case_and_links_to_it(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    page = client.get("/statistics?period=2026&event_type=entry_ban&country=RS").text
    row = re.search(r"<tfoot>.*?</tfoot>", page, re.S)
    assert row is not None
    numbers = re.findall(r'class="num">(?:<a href="([^"]+)">)?(\d+)', row.group(0))
    assert [int(n) for _, n in numbers] == [1, 1, 1]
    link = numbers[1][0].replace("&amp;", "&")
    assert "event_type=entry_ban" in link and "from=2026-01-01" in link
    assert world.ids["case_a"] in client.get(link).text
    assert world.ids["case_b"] not in client.get(link).text


def test_downloads_answer_the_same_question(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    table = client.get("/statistics.csv?period=2026-Q4")
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.splitlines()[-1].endswith(",1,1,1")
    chart = client.get("/statistics/chart.png?period=2026-Q4")
    assert (
        chart.headers["content-type"] == "image/png" and chart.content[:8] == b"\x89PNG\r\n\x1a\n"
    )


def test_a_bad_period_says_what_a_period_is(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    page = client_as("caseworker-a").get("/statistics?period=last+year")
    assert page.status_code == 200 and "a quarter (2025-Q2)" in page.text


def test_the_page_is_translated(world: World, client_as: Callable[[str], TestClient]) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "sr_Latn", "csrf_token": csrf_of(client)})
    assert "Žalbe podnete u periodu" in client.get("/statistics").text
