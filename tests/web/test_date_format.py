"""Every page writes a day one way per language: "3 Nov 2026", "03.11.2026", "03.11.2026.".

Each main page is rendered in each language and every day-like text in it (text, input
values, placeholders) is read: all of them must be in the language's format, none in ISO
(2026-11-02), US (11/02/2026), Babel's "Nov 2, 2026" or another language's format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from lxml import html

from havenwatch.core.dates import format_day, parse_day
from tests.web.conftest import World, csrf_of

MONTH = r"[^\W\d_]{3,}\.?"
DAY_LIKE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b"  # ISO
    rf"|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}\b\.?"  # dotted or US (a sentence's full stop too)
    rf"|\b{MONTH} \d{{1,2}}, \d{{4}}\b"  # Nov 2, 2026
    rf"|\b\d{{1,2}}\.? {MONTH} \d{{4}}\b"  # 2 Nov 2026, 2. novembra 2026
)
OWN = {
    "en": re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$"),
    "ru": re.compile(r"^\d{2}\.\d{2}\.\d{4}\.?$"),  # the dot may end the sentence
    "sr_Latn": re.compile(r"^\d{2}\.\d{2}\.\d{4}\.$"),
    "sr_Cyrl": re.compile(r"^\d{2}\.\d{2}\.\d{4}\.$"),
}


def _pages(world: World) -> list[str]:
    ids = world.ids
    case = f"/cases/{ids['case_a']}"
    return [
        "/",
        "/cases",
        "/cases?from=2026-01-01&to=2026-12-31",
        "/cases/new",
        "/people/new",
        "/leads",
        f"/leads/{ids['lead_a']}",
        "/statistics",
        "/transfer",
        "/admin/audit",
        case,
        f"/people/{ids['person_a']}/edit",
        f"{case}/events/{ids['event_a']}/edit",
        f"{case}/events/{ids['event_a']}/delete",
        f"{case}/documents/{ids['document_a']}/about",
    ]


def _visible_dates(page: str) -> list[str]:
    """Day-like texts of the page's text, field values and placeholders (not of URLs)."""
    tree = html.fromstring(page)
    for script in tree.xpath("//script|//style"):
        script.drop_tree()
    texts = [*tree.xpath("//body//text()"), *tree.xpath("//input/@value|//input/@placeholder")]
    return [match.group(0).strip() for text in texts for match in DAY_LIKE.finditer(text)]


@pytest.mark.parametrize("locale", list(OWN))
def test_every_page_writes_days_in_the_languages_one_format(
    world: World, client_as: Callable[[str], TestClient], locale: str
) -> None:
    client = client_as("admin-a")
    client.post("/settings/language", data={"csrf_token": csrf_of(client), "locale": locale})
    seen = []
    for path in _pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        for found in _visible_dates(response.text):
            assert OWN[locale].match(found), f"{path}: {found!r} is not a {locale} day"
            seen.append(found)
    assert format_day(parse_day("2026-11-02"), locale) in seen  # the event's day was shown
    assert format_day(parse_day("2025-03-14"), locale) in seen  # the date fields' example
