"""The report page makes the public report of the published release as HTML or PDF, with a
plain form (no script), and answers a bad field in the user's language."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from lxml import html as lxml_html

from havenwatch.reports.publication import publish_release
from tests.web.conftest import World, csrf_of
from tests.web.test_releases import CROWD, _add_people

QUERY = "/report/download?from=2025-01&to=2025-12&country=RS&language={language}&format={fmt}"


def test_a_coordinator_makes_the_report_as_html_and_pdf(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _add_people(world, CROWD)
    publish_release(world.db, actor="test", k=10)
    client = client_as("admin-a")

    form = lxml_html.fromstring(client.get("/report").text).xpath("//form[@action]")[-1]
    page = client.get(QUERY.format(language="ru", fmt="html"))
    pdf = client.get(QUERY.format(language="sr_Cyrl", fmt="pdf"))

    assert form.get("action") == "/report/download" and form.get("method") == "get"
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "attachment" in page.headers["content-disposition"]
    document = lxml_html.fromstring(page.content)
    assert document.get("lang") == "ru"
    assert document.xpath("//td[@data-cell='detention|2025-03']")[0].text == str(CROWD)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_bad_month_or_no_release_is_said_in_the_users_language(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "sr_Latn", "csrf_token": csrf_of(client)})

    nothing = client.get(QUERY.format(language="en", fmt="html"))
    bad = client.get("/report/download?from=2025-13&to=2025-12")

    assert nothing.status_code == 400
    assert "Anonimizovano izdanje još nije objavljeno." in nothing.text
    assert bad.status_code == 400 and "Meseci se pišu kao YYYY-MM" in bad.text


def test_the_release_page_tells_publishers_what_each_withheld_figure_lacks(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _add_people(world, 7)
    admin = client_as("admin-a")
    admin.post("/transfer/releases", data={"csrf_token": csrf_of(admin)})

    page = lxml_html.fromstring(admin.get("/transfer").text)
    researcher = client_as("researcher-a").get("/transfer").text

    (listing,) = page.xpath("//details[@id='shortfalls']")
    assert "3 more people would make this cell publishable" in listing.text_content()
    assert "would make this cell publishable" not in researcher
