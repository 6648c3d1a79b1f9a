"""The review queue on the web: a triage list filtered by GET parameters, bulk rejection,
and correct-then-accept, on both backends."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.people import get_person
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Source
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import get_lead, list_leads
from havenwatch.store.schema import audit_log, cases, events
from tests.helpers import add_lead, snapshot
from tests.monitor.ingest_support import write_report
from tests.monitor.test_review import MISREAD
from tests.web.conftest import CANARY_NAME, World, csrf_of

Clients = Callable[[str], TestClient]


def _danas_lead(world: World, name: str = "Mira Kostić") -> str:
    source, _ = add_source(
        world.db,
        Source(title="Activist turned back at the border", text=f"{name} was refused entry.",
               publisher="Danas", language="sr"),
        "test",
        scope=Scope.everything(),
    )  # fmt: skip
    return add_lead(
        world.db,
        source.id or "",
        f"{name} was refused entry.",
        subject=name,
        event_type="entry_ban",
    )


def test_the_list_shows_name_headline_outlet_and_match_and_hides_other_teams_leads(
    world: World, client_as: Clients
) -> None:
    _danas_lead(world)
    page = client_as("caseworker-a").get("/leads").text
    for shown in ("Mira Kostić", "Activist turned back at the border", "Danas",
                  "Public wire story", "Heron Alpha (100)", "Entry refused or banned"):  # fmt: skip
        assert shown in page, shown
    assert CANARY_NAME not in page


def test_the_filters_are_get_parameters_that_narrow_the_list(
    world: World, client_as: Clients
) -> None:
    _danas_lead(world)
    client = client_as("caseworker-a")

    def rows(query: str) -> set[str]:
        page = client.get(f"/leads?{query}").text
        return {name for name in ("Mira Kostić", "Public wire story") if name in page}

    assert rows("") == {"Mira Kostić", "Public wire story"}
    assert rows("type=entry_ban") == {"Mira Kostić"}
    assert rows("match=yes") == {"Public wire story"}
    assert rows("match=no") == {"Mira Kostić"}
    assert rows("outlet=Danas") == {"Mira Kostić"}
    assert rows("language=sr") == {"Mira Kostić"}
    assert rows("country=HU") == set()
    assert rows("from=2026-11-02") == set() and rows("to=2026-11-01") == rows("")
    assert rows("status=rejected") == set()


def test_a_bad_filter_value_is_one_line_in_the_readers_language(
    world: World, client_as: Clients
) -> None:
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "ru", "csrf_token": csrf_of(client)})
    response = client.get("/leads?country=Serbia&from=yesterday")
    assert response.status_code == 400
    assert "Traceback" not in response.text
    assert "Напишите первый день" in response.text or "двухбуквенный" in response.text


def test_bulk_reject_rejects_each_ticked_lead_with_its_own_audit_entry(
    world: World, client_as: Clients
) -> None:
    danas = _danas_lead(world)
    client = client_as("caseworker-a")
    chosen = [world.ids["lead_a"], danas]
    response = client.post(
        "/leads/bulk-reject",
        data={"lead_id": chosen, "reason": "not about an exile", "back": "type=entry_ban&x=1",
              "csrf_token": csrf_of(client, "/leads")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/leads?type=entry_ban"
    for lead_id in chosen:
        lead = get_lead(world.db, lead_id, scope=Scope.everything())
        assert (lead.status, lead.decision_reason) == ("rejected", "not about an exile")
    with world.db.read() as conn:
        audited = conn.execute(
            select(audit_log.c.target_id).where(audit_log.c.action == "lead.reject")
        ).scalars()
        assert sorted(audited) == sorted(chosen)


def test_bulk_reject_with_another_teams_lead_is_not_found_and_changes_nothing(
    world: World, client_as: Clients
) -> None:
    client = client_as("caseworker-a")
    token = csrf_of(client, "/leads")
    before = snapshot(world.db)
    response = client.post(
        "/leads/bulk-reject",
        data={"lead_id": [world.ids["lead_a"], world.ids["lead_b"]], "reason": "spam",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 404
    refused = client.post(
        "/leads/bulk-reject", data={"lead_id": [world.ids["lead_a"]], "csrf_token": token}
    )
    assert refused.status_code == 400 and "Say why the leads are rejected." in refused.text
    without_token = client.post(
        "/leads/bulk-reject", data={"lead_id": [world.ids["lead_a"]], "reason": "spam"}
    )
    assert without_token.status_code in (400, 403)
    assert snapshot(world.db) == before


def test_a_lead_is_corrected_then_accepted_and_links_to_what_it_created(
    world: World, client_as: Clients
) -> None:
    lead_id = _danas_lead(world, "Ilji Zelenk")
    client = client_as("caseworker-a")
    page = client.get(f"/leads/{lead_id}").text
    assert 'name="subject_name" value="Ilji Zelenk"' in page
    response = client.post(
        f"/leads/{lead_id}/accept",
        data={"pseudonym": "Wren", "subject_name": "Ilija Zelenković",
              "event_type": "residence_revoked", "event_date": "2026-11-01", "country": "RS",
              "authority": "interior_ministry", "grounds": "", "deadline_days": "8",
              "csrf_token": csrf_of(client, f"/leads/{lead_id}")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    decided = client.get(f"/leads/{lead_id}").text
    link = re.search(r'href="/cases/([^"#]+)#event-[^"]+" id="decided-event"', decided)
    assert link is not None and 'id="next-lead"' in decided
    case_id = link.group(1)
    assert (
        get_case(world.db, case_id, scope=Scope.everything()).title == "Wren: residence revoked, RS"
    )
    case_page = client.get(f"/cases/{case_id}").text
    assert "Residence permit revoked" in case_page


def test_a_wrong_correction_is_refused_in_the_readers_language_and_nothing_is_stored(
    world: World, client_as: Clients
) -> None:
    lead_id = _danas_lead(world)
    client = client_as("caseworker-a")
    client.post("/settings/language", data={"locale": "sr_Latn", "csrf_token": csrf_of(client)})
    token = csrf_of(client, f"/leads/{lead_id}")
    before = snapshot(world.db)
    response = client.post(
        f"/leads/{lead_id}/accept",
        data={"pseudonym": "Wren", "event_type": "entry_ban", "country": "Serbia",
              "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Država je dvoslovni kod" in response.text
    assert snapshot(world.db) == before


def test_the_list_is_sorted_by_a_get_parameter_and_a_bad_order_is_refused(
    world: World, client_as: Clients
) -> None:
    _danas_lead(world)
    client = client_as("caseworker-a")

    def first(query: str) -> str:
        page = client.get(f"/leads?{query}").text
        return min(("Mira Kostić", "Public wire story"), key=page.index)

    assert first("sort=newest") == "Mira Kostić"
    assert first("sort=type") == "Mira Kostić"  # entry_ban before expulsion_order
    assert first("sort=language") == "Mira Kostić"  # a Serbian report before an unknown one
    assert first("sort=match") == "Public wire story"  # matches Heron Alpha
    assert first("sort=match&status=all") == "Public wire story"
    page = client.get("/leads?sort=type").text
    assert '<option value="type" selected>' in page
    assert "sort=type" in page  # kept in the bulk form's way back
    refused = client.get("/leads?sort=score")
    assert refused.status_code == 400 and "Choose an order from the list." in refused.text


def test_the_subjects_nationality_is_corrected_on_the_lead_page(
    world: World, client_as: Clients
) -> None:
    lead_id = _danas_lead(world, "Ilji Zelenk")
    client = client_as("caseworker-a")
    page = client.get(f"/leads/{lead_id}").text
    assert 'name="nationality"' in page and 'name="gender"' in page and 'name="age"' in page
    token = csrf_of(client, f"/leads/{lead_id}")
    fields = {"pseudonym": "Wren", "subject_name": "Ilija Zelenković", "event_type": "entry_ban",
              "country": "RS", "csrf_token": token}  # fmt: skip
    before = snapshot(world.db)
    wrong = client.post(f"/leads/{lead_id}/accept", data={**fields, "nationality": "Russia"})
    assert wrong.status_code == 400
    assert "The nationality is a two-letter code, such as RU." in wrong.text
    assert snapshot(world.db) == before
    response = client.post(
        f"/leads/{lead_id}/accept",
        data={**fields, "nationality": "ru", "gender": "male", "age": "41"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    case_id = re.search(r'href="/cases/([^"#]+)#', client.get(f"/leads/{lead_id}").text)
    assert case_id is not None
    person_id = get_case(world.db, case_id.group(1), scope=Scope.everything()).person_id
    person = get_person(world.db, person_id, actor="test", scope=Scope.everything())
    assert (person.nationality, person.gender) == ("RU", "male")


def test_a_form_without_the_subjects_fields_keeps_what_the_extractor_read(
    world: World, client_as: Clients, tmp_path: Path
) -> None:
    write_report(tmp_path, "misread.txt", MISREAD)
    run_ingest(world.db, [str(tmp_path)], "test")
    (lead,) = [
        lead
        for lead in list_leads(world.db, status="new", scope=Scope.everything())
        if lead.subject_name == "Ilji Zelenk"
    ]
    client = client_as("caseworker-a")
    response = client.post(
        f"/leads/{lead.id}/accept",
        data={"pseudonym": "Wren", "subject_name": "Ilija Zelenković", "event_type": "entry_ban",
              "country": "RS", "csrf_token": csrf_of(client, f"/leads/{lead.id}")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    event_id = get_lead(world.db, lead.id, scope=Scope.everything()).event_id
    assert event_id is not None
    with world.db.read() as conn:
        person_id = conn.execute(
            select(cases.c.person_id)
            .join(events, events.c.case_id == cases.c.id)
            .where(events.c.id == event_id)
        ).scalar_one()
    person = get_person(world.db, person_id, actor="test", scope=Scope.everything())
    assert person.nationality == "RU"


def test_the_list_pages_by_a_cursor_and_a_cursor_that_is_not_one_is_refused(
    world: World, client_as: Clients
) -> None:
    _danas_lead(world)
    client = client_as("caseworker-a")
    assert (
        client.get(
            "/leads?sort=type&page=2&after=type~entry_ban~20240101T000000000000~0a"
        ).status_code
        == 200
    )
    assert client.get("/leads?after=not-a-cursor").status_code == 400
