"""A report already linked to another team's case is never handed back as "already stored"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.csv_import import import_csv_rows
from havenwatch.cases.events import add_event_source
from havenwatch.cases.sheet_import import parse_file
from havenwatch.core.model import Source
from havenwatch.store.schema import cases, event_sources, events, sources, teams
from tests.web.conftest import CANARY_NAME, CANARY_SOURCE, World, api_headers, csrf_of

CANARY_TEXT = f"{CANARY_NAME} was told to leave."


def _team_a(world: World) -> set[str]:
    with world.db.read() as conn:
        return {conn.execute(select(teams.c.id).where(teams.c.name == "team-a")).scalar_one()}


def _linked_sources(world: World, event_id: str) -> set[str]:
    with world.db.read() as conn:
        return set(
            conn.execute(
                select(event_sources.c.source_id).where(event_sources.c.event_id == event_id)
            ).scalars()
        )


def test_the_same_text_as_another_teams_report_gets_a_copy_of_its_own(world: World) -> None:
    source = add_event_source(
        world.db,
        world.ids["event_a"],
        Source(title="Our note", text=CANARY_TEXT),
        "caseworker-a",
        scope=Scope.teams(*_team_a(world)),
    )
    assert source.id != world.ids["source_b"]
    assert source.title == "Our note"
    again = add_event_source(
        world.db,
        world.ids["event_a"],
        Source(title="Our note, pasted twice", text=CANARY_TEXT),
        "caseworker-a",
        scope=Scope.teams(*_team_a(world)),
    )
    assert again.id == source.id, "within the team, the same text is still stored once"
    assert _linked_sources(world, world.ids["event_a"]) >= {source.id}
    assert world.ids["source_b"] not in _linked_sources(world, world.ids["event_a"])


def test_a_report_in_the_shared_pool_is_reused_by_any_team(world: World) -> None:
    source = add_event_source(
        world.db,
        world.ids["event_a"],
        Source(text="A decision was reported."),
        "caseworker-a",
        scope=Scope.teams(*_team_a(world)),
    )
    assert source.id == world.ids["source_free"]


def test_the_api_never_returns_another_teams_report_for_the_same_text(world: World) -> None:
    from havenwatch.web.app import create_app

    client = TestClient(create_app(world.settings, db=world.db))
    response = client.post(
        f"/api/v1/cases/{world.ids['case_a']}/events/{world.ids['event_a']}/sources",
        json={"title": "Pasted", "text": CANARY_TEXT},
        headers=api_headers(world, "caseworker-a"),
    )
    assert response.status_code == 201
    assert response.json()["id"] != world.ids["source_b"]
    assert CANARY_SOURCE not in response.text and "Canary Post" not in response.text


def test_the_event_form_never_links_another_teams_report_for_the_same_text(
    world: World, client_as: Callable[[str], TestClient]
) -> None:
    client = client_as("caseworker-a")
    case_id, event_id = world.ids["case_a"], world.ids["event_a"]
    response = client.post(
        f"/cases/{case_id}/events/{event_id}/sources",
        data={"csrf_token": csrf_of(client), "text": CANARY_TEXT, "title": "Pasted"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert world.ids["source_b"] not in _linked_sources(world, event_id)
    page = client.get(f"/cases/{case_id}").text
    assert CANARY_SOURCE not in page and "Canary Post" not in page


def test_a_csv_import_never_links_another_teams_report_for_the_same_url(
    world: World, tmp_path: Path
) -> None:
    url = "https://news.example.org/quillfeather"
    theirs = add_event_source(
        world.db,
        world.ids["event_b"],
        Source(url=url, title=CANARY_SOURCE, publisher="Canary Post"),
        "test",
        scope=Scope.everything(),
    )
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text(
        f"person,country,event_type,date,source_url\nKite,RS,entry_ban,2026-11-02,{url}\n"
        f"Kite,RS,appeal,2026-11-05,{url}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        import_csv_rows(
            world.db, parse_file(csv_file), "caseworker-a", team="team-a", scope=Scope.everything()
        )
    with world.db.read() as conn:
        linked = conn.execute(
            select(event_sources.c.source_id, sources.c.title)
            .join(sources, sources.c.id == event_sources.c.source_id)
            .join(events, events.c.id == event_sources.c.event_id)
            .join(cases, cases.c.id == events.c.case_id)
            .where(cases.c.team_id.in_(_team_a(world)))
        ).all()
    assert len(linked) == 4
    assert theirs.id not in {row.source_id for row in linked}
    assert len({row.source_id for row in linked}) == 1, "the team's own copy is stored once"
    assert all(row.title is None for row in linked)
