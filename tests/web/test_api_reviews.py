"""The review queue's API: a lead accepted without correction takes the web page's path
(scope checked by the service, audited, the case titled, the review sealed), and a merge
re-matches the pending leads about the person; on both backends."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case, get_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.monitor.leads import get_lead
from havenwatch.monitor.reviewed import reviewed_examples
from havenwatch.store.schema import audit_log
from tests.helpers import add_lead, snapshot
from tests.web.conftest import World, api_headers

Client = Callable[[], TestClient]


def _stored(world: World) -> dict[str, object]:
    """Every table but `api_tokens`, whose last use each call records."""
    return {table: rows for table, rows in snapshot(world.db).items() if table != "api_tokens"}


def _lead(world: World, name: str = "Mira Kostić") -> str:
    source, _ = add_source(
        world.db,
        Source(title="Turned back", text=f"{name} was refused entry.", language="sr"),
        "test",
        scope=Scope.everything(),
    )
    return add_lead(
        world.db,
        source.id or "",
        f"{name} was refused entry.",
        subject=name,
        event_type="entry_ban",
    )


def test_an_api_accept_titles_the_case_seals_the_review_and_is_audited(
    world: World, app_for: Client
) -> None:
    lead_id = _lead(world)
    client = app_for()
    answer = client.post(
        f"/api/v1/leads/{lead_id}/accept",
        json={"pseudonym": "Wren"},
        headers=api_headers(world, "caseworker-a"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "accepted"
    with world.db.read() as conn:
        audited = conn.execute(
            select(audit_log.c.target_id, audit_log.c.case_id, audit_log.c.actor).where(
                audit_log.c.action == "lead.accept"
            )
        ).one()
    assert audited.target_id == lead_id and "caseworker-a" in audited.actor
    case = get_case(world.db, audited.case_id, scope=Scope.everything())
    assert case.title == "Wren: entry refused, RS"
    (example,) = [item for item in reviewed_examples(world.db) if item.gold_events]
    assert example.gold_events[0]["subject"]["name"] == "Mira Kostić"


def test_an_api_accept_outside_the_callers_teams_is_not_found_and_changes_nothing(
    world: World, app_for: Client
) -> None:
    lead_id = _lead(world)
    client = app_for()
    headers = api_headers(world, "caseworker-a")
    before = _stored(world)
    for path, body in (
        (f"/api/v1/leads/{world.ids['lead_b']}/accept", {"pseudonym": "Stolen"}),
        (f"/api/v1/leads/{lead_id}/accept", {"case_id": world.ids["case_b"]}),
        (f"/api/v1/leads/{lead_id}/accept", {"person_id": world.ids["person_b"]}),
        (f"/api/v1/leads/{lead_id}/merge", {"event_id": world.ids["event_b"]}),
    ):
        assert client.post(path, json=body, headers=headers).status_code == 404, (path, body)
    assert _stored(world) == before
    assert get_lead(world.db, lead_id, scope=Scope.everything()).status == "new"


def test_an_api_merge_rematches_the_pending_leads_sharing_the_name(
    world: World, app_for: Client
) -> None:
    name = "Nina Sokolova"
    first, second = _lead(world, name), _lead(world, name)  # nobody known by that name yet
    everyone = Scope.everything()
    person = add_person(
        world.db,
        Person(pseudonym="Lark", identity=Identity(full_name=name), team="team-a"),
        "test",
        scope=everyone,
    )
    case = add_case(
        world.db, Case(person_id=person.id or "", country="RS", team="team-a"), "t", scope=everyone
    )
    event = add_event(world.db, Event(case_id=case.id or "", type="entry_ban"), "t", scope=everyone)
    assert get_lead(world.db, second, scope=everyone).candidate_person_id is None
    answer = app_for().post(
        f"/api/v1/leads/{first}/merge",
        json={"event_id": event.id},
        headers=api_headers(world, "caseworker-a"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "merged"
    assert get_lead(world.db, second, scope=everyone).candidate_person_id == person.id
