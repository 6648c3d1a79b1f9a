"""The review queue's API: a lead accepted, as extracted or corrected, takes the web page's
path (scope checked by the service, audited, the case titled, the review sealed and counted
for the extractor's metrics, a wrong value refused in one line), and a merge re-matches the
pending leads about the person; on both backends."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case, get_case
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.people import add_person, get_person
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.monitor.leads import get_lead
from havenwatch.monitor.reviewed import reviewed_evaluation, reviewed_examples
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


CORRECTION = {
    "subject_name": "Mirjana Kostić",
    "event_type": "residence_revoked",
    "event_date": "16.09.2026",
    "country": "rs",
    "authority": "interior_ministry",
    "grounds": None,
    "deadline_days": 8,
    "nationality": "ru",
    "gender": "female",
    "age": 34,
}


def test_an_api_accept_with_a_correction_records_what_the_reviewer_kept_like_the_lead_page(
    world: World, app_for: Client
) -> None:
    lead_id = _lead(world)
    answer = app_for().post(
        f"/api/v1/leads/{lead_id}/accept",
        json={"pseudonym": "Wren", "correction": CORRECTION},
        headers=api_headers(world, "caseworker-a"),
    )
    assert answer.status_code == 200, answer.text
    accepted = answer.json()
    assert (accepted["status"], accepted["event_type"]) == ("accepted", "residence_revoked")
    assert (accepted["country"], accepted["event_date"]) == ("RS", "2026-09-16")
    everyone = Scope.everything()
    case = get_case(world.db, _audited_case(world), scope=everyone)
    assert case.title == "Wren: residence revoked, RS"
    (event,) = list_events(world.db, case.id or "", scope=everyone)
    assert (event.type, event.authority, event.deadline_days) == (
        "residence_revoked", "interior_ministry", 8,
    )  # fmt: skip
    assert event.date is not None and event.date.text == "2026-09-16"
    person = get_person(world.db, case.person_id, actor="test", with_identity=True, scope=everyone)
    assert (person.nationality, person.gender) == ("RU", "female")
    assert person.identity is not None and person.identity.full_name == "Mirjana Kostić"
    (example,) = [item for item in reviewed_examples(world.db) if item.gold_events]
    gold = example.gold_events[0]
    assert gold["subject"] == {
        "name": "Mirjana Kostić", "nationality": "RU", "gender": "female", "age": 34,
    }  # fmt: skip
    assert example.extracted_events[0]["type"] == "entry_ban"  # the extractor's own reading
    score = reviewed_evaluation(world.db)
    assert score is not None and score.subject_corrections == 1


def test_an_api_correction_left_out_field_by_field_keeps_the_extractors_reading(
    world: World, app_for: Client
) -> None:
    lead_id = _lead(world)
    answer = app_for().post(
        f"/api/v1/leads/{lead_id}/accept",
        json={"pseudonym": "Wren", "correction": {"event_date": "2026-10"}},
        headers=api_headers(world, "caseworker-a"),
    )
    assert answer.status_code == 200, answer.text
    kept = answer.json()
    assert (kept["event_type"], kept["country"], kept["event_date"]) == (
        "entry_ban", "RS", "2026-10",
    )  # fmt: skip
    (example,) = [item for item in reviewed_examples(world.db) if item.gold_events]
    assert example.gold_events[0]["subject"]["name"] == "Mira Kostić"
    score = reviewed_evaluation(world.db)
    assert score is not None and score.subject_corrections == 0


def test_a_wrong_api_correction_is_one_line_naming_the_field_and_nothing_is_stored(
    world: World, app_for: Client
) -> None:
    lead_id = _lead(world)
    client = app_for()
    headers = api_headers(world, "caseworker-a")
    before = _stored(world)
    for field, wrong in (
        ("country", "Serbia"),
        ("nationality", "Russia"),
        ("event_type", "deported_to_mars"),
        ("event_type", None),
        ("event_date", "2026-13-01"),
        ("authority", "village_elder"),
        ("grounds", "astrology"),
        ("deadline_days", 5000),
        ("gender", "unknown_code"),
        ("age", 300),
    ):
        answer = client.post(
            f"/api/v1/leads/{lead_id}/accept",
            json={"pseudonym": "Wren", "correction": {field: wrong}},
            headers=headers,
        )
        assert answer.status_code == 400, (field, wrong, answer.text)
        detail = answer.json()["detail"]
        assert detail.startswith(f"{field}: ") and "\n" not in detail, detail
        assert str(wrong) not in detail, detail  # the API never echoes a value sent
    shapeless = client.post(
        f"/api/v1/leads/{lead_id}/accept",
        json={"correction": {"colour": "red"}},
        headers=headers,
    )
    assert shapeless.status_code == 422
    assert shapeless.json()["fields"] == ["body.correction.colour"]
    assert _stored(world) == before
    assert get_lead(world.db, lead_id, scope=Scope.everything()).status == "new"


def test_an_api_correction_of_a_lead_outside_the_callers_teams_is_not_found(
    world: World, app_for: Client
) -> None:
    headers = api_headers(world, "caseworker-a")
    before = _stored(world)
    answer = app_for().post(
        f"/api/v1/leads/{world.ids['lead_b']}/accept",
        json={"pseudonym": "Stolen", "correction": CORRECTION},
        headers=headers,
    )
    assert answer.status_code == 404
    assert _stored(world) == before


def _audited_case(world: World) -> str:
    with world.db.read() as conn:
        return str(
            conn.execute(
                select(audit_log.c.case_id).where(audit_log.c.action == "lead.accept")
            ).scalar_one()
        )
