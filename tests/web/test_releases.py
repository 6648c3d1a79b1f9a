"""The pages and the API serve the published anonymised release, frozen until the next one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.core.dates import from_day
from havenwatch.core.model import Case, Event, Identity, Person
from tests.web.conftest import World, api_headers, csrf_of

CROWD = 12


def _add_people(world: World, count: int, start: int = 0) -> None:
    """People sharing one cell (RU in RS, detention, March 2025), large enough to publish."""
    for number in range(start, start + count):
        person = add_person(
            world.db,
            Person(
                pseudonym=f"Crowd {number}",
                identity=Identity(full_name=f"Crowd Member {number}"),
                nationality="RU",
                team="team-a",
            ),
            "test",
            scope=Scope.everything(),
        )
        case = add_case(
            world.db,
            Case(person_id=person.id or "", country="RS", team="team-a"),
            "test",
            scope=Scope.everything(),
        )
        day = from_day(date(2025, 3, 10))
        add_event(
            world.db,
            Event(case_id=case.id or "", type="detention", date=day),
            "test",
            scope=Scope.everything(),
        )


def _publish(admin: TestClient) -> None:
    response = admin.post(
        "/transfer/releases",
        data={"csrf_token": csrf_of(admin, "/transfer")},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_every_role_reads_the_same_bytes_around_a_new_person_until_the_next_publication(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _add_people(world, CROWD)
    admin, researcher = client_as("admin-a"), client_as("researcher-a")
    headers = api_headers(world, "researcher-a")
    _publish(admin)

    def reads() -> list[bytes]:
        pages = [
            researcher.get(p) for p in ("/transfer/anonymised.csv", "/transfer/anonymised.json")
        ]
        api = researcher.get("/api/v1/exports/anonymised?format=csv", headers=headers)
        assert [r.status_code for r in (*pages, api)] == [200, 200, 200]
        return [r.content for r in (*pages, api)]

    before = reads()
    assert f"RU,RS,{CROWD}".encode() in before[0]
    _add_people(world, 1, start=CROWD)

    assert reads() == before
    _publish(admin)
    after = reads()
    assert after != before and f"RU,RS,{CROWD + 1}".encode() in after[0]
    assert researcher.get("/transfer/releases/1.csv").content == before[0]
    transfer = researcher.get("/transfer").text
    assert "/transfer/releases/1.csv" in transfer and "/transfer/releases/2.csv" in transfer
    versions = researcher.get("/api/v1/exports/anonymised/versions", headers=headers).json()
    assert [v["version"] for v in versions] == [2, 1]


def test_only_administrators_compute_the_counts_on_demand_or_publish(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _add_people(world, CROWD)
    for role in ("caseworker", "viewer", "researcher"):
        client = client_as(f"{role}-a")
        assert client.get("/transfer/anonymised-live.csv").status_code == 403
        headers = api_headers(world, f"{role}-a")
        assert client.get("/api/v1/exports/anonymised/live", headers=headers).status_code == 403
        assert "Publish a new anonymised release" not in client.get("/transfer").text
    admin = client_as("admin-a")
    live = admin.get("/transfer/anonymised-live.csv")
    assert live.status_code == 200 and f"RU,RS,{CROWD}" in live.text
    assert "# version=" not in live.text


def test_before_the_first_publication_the_release_is_not_found(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    researcher = client_as("researcher-a")
    assert researcher.get("/transfer/anonymised.csv").status_code == 404
    headers = api_headers(world, "researcher-a")
    assert researcher.get("/api/v1/exports/anonymised", headers=headers).status_code == 404
    assert "No anonymised release has been published yet." in researcher.get("/transfer").text


def test_researchers_see_the_published_release_on_the_dashboard_not_live_counts(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    _add_people(world, CROWD)
    researcher = client_as("researcher-a")

    assert "No anonymised release has been published yet." in researcher.get("/").text
    assert researcher.get("/charts/incidents.png").status_code == 403
    _publish(client_as("admin-a"))
    page = researcher.get("/").text
    assert "Release 1 of" in page and 'class="numbers"' not in page
    assert "/charts/incidents.png" not in page
    staff = client_as("viewer-a").get("/").text
    assert 'class="numbers"' in staff
