"""Attacks on leads and on purge, replayed against a served instance (issue 12, items 2 and 7).

Item 2: after `havenwatch ingest`, the leads table held the name read in the report, the
matched person and case and a reason quoting the name, readable without the key; a lead
matching people of two teams was shown to both; purge left the rows. Item 7: purge (and
retention) left a team's source linked to nothing, which every team may then see.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import link_source
from havenwatch.cases.people import add_person
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Case, Identity, Person, Source
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import lead_matches, leads
from tests.monitor.ingest_support import REFUSED_AT_AIRPORT, run_cli, write_report
from tests.security.attacks.conftest import Served, csrf_token
from tests.web.conftest import api_headers

TEAM_A_NAME = "Petr Volokhonsky"  # the full name of team-a's person in the served world


def _raw_rows(settings: Settings) -> str:
    """The lead tables as someone holding the database but not the key file reads them."""
    without_key = Database(settings.database_url)
    try:
        with without_key.read() as conn:
            found = [conn.execute(select(table)).all() for table in (leads, lead_matches)]
    finally:
        without_key.dispose()
    return repr(found)


def _ingest(settings: Settings, directory: Path, name: str, template: str) -> None:
    write_report(directory, "report.txt", template.format(name=name))
    result = run_cli(settings, "ingest", "--quiet", str(directory))
    assert result.returncode == 0, result.stderr


def _api(served: Served, username: str) -> httpx.Client:
    """A client of the JSON API with a personal token of `username`."""
    return served.client(headers=api_headers(served.world, username))


def _lead_ids(client: httpx.Client, path: str = "/api/v1/leads?status=new") -> set[str]:
    answer = client.get(path)
    assert answer.status_code == 200
    return {lead["id"] for lead in answer.json()["leads"]}


def _ingested_lead(client: httpx.Client) -> dict[str, object]:
    shown = client.get("/api/v1/leads?status=new").json()["leads"]
    (lead,) = [lead for lead in shown if lead["subject_name"] == TEAM_A_NAME]
    return dict(lead)


def test_ingested_leads_hold_no_name_person_case_or_quoted_reason_in_clear(
    served: Served, instance_settings: Settings, tmp_path: Path
) -> None:
    ids = served.world.ids
    case = add_case(
        served.db, Case(person_id=ids["person_a"], country="RS"), "test", scope=Scope.everything()
    )
    _ingest(instance_settings, tmp_path / "news", TEAM_A_NAME, REFUSED_AT_AIRPORT)
    raw = _raw_rows(instance_settings)
    for needle in (TEAM_A_NAME, "Volokhonsky", "Petr", ids["person_a"], case.id or ""):
        assert needle not in raw
    lead = _ingested_lead(_api(served, "caseworker-a"))
    assert (lead["candidate_person_id"], lead["candidate_case_id"]) == (ids["person_a"], case.id)
    assert lead["match_reason"] == "whole_name"
    assert lead["id"] not in _lead_ids(_api(served, "caseworker-b"))


def test_a_lead_matching_people_of_two_teams_shows_each_team_only_its_own(
    served: Served, instance_settings: Settings, tmp_path: Path
) -> None:
    ids = served.world.ids
    namesake = add_person(
        served.db,
        Person(pseudonym="Namesake", identity=Identity(full_name=TEAM_A_NAME), team="team-b"),
        "test",
        scope=Scope.everything(),
    ).id
    _ingest(instance_settings, tmp_path / "news", TEAM_A_NAME, REFUSED_AT_AIRPORT)
    seen_by_a = _ingested_lead(_api(served, "caseworker-a"))
    seen_by_b = _ingested_lead(_api(served, "caseworker-b"))
    assert seen_by_a["id"] == seen_by_b["id"]
    assert (seen_by_a["candidate_person_id"], seen_by_a["match_reason"]) == (
        ids["person_a"], "whole_name",
    )  # fmt: skip
    assert (seen_by_b["candidate_person_id"], seen_by_b["match_reason"]) == (
        namesake, "whole_name",
    )  # fmt: skip
    page = served.login("caseworker-b").get(f"/leads/{seen_by_b['id']}").text
    assert ids["person_a"] not in page and ids["case_a"] not in page


def test_another_teams_lead_is_not_found_and_cannot_be_decided(served: Served) -> None:
    ids = served.world.ids
    team_a, api_a = served.login("caseworker-a"), _api(served, "caseworker-a")
    assert ids["lead_b"] not in _lead_ids(api_a)
    assert api_a.get(f"/api/v1/leads/{ids['lead_b']}").status_code == 404
    assert team_a.get(f"/leads/{ids['lead_b']}").status_code == 404
    token = csrf_token(team_a.get("/leads").text)
    for action, form in (
        ("accept", {"pseudonym": "Stolen"}),
        ("reject", {"reason": "not ours"}),
        ("merge", {"event_id": ids["event_a"], "case_id": ids["case_a"]}),
    ):
        answer = team_a.post(f"/leads/{ids['lead_b']}/{action}", data={**form, "csrf_token": token})
        assert answer.status_code == 404
    for action, body in (("accept", {"pseudonym": "Stolen"}), ("reject", {"reason": "no"})):
        assert api_a.post(f"/api/v1/leads/{ids['lead_b']}/{action}", json=body).status_code == 404
    seen_by_b = _api(served, "caseworker-b").get(f"/api/v1/leads/{ids['lead_b']}").json()
    assert seen_by_b["status"] == "new"


def test_a_lead_is_not_accepted_into_another_teams_case(served: Served) -> None:
    ids = served.world.ids
    team_a = served.login("caseworker-a")
    token = csrf_token(team_a.get(f"/leads/{ids['lead_a']}").text)
    answer = team_a.post(
        f"/leads/{ids['lead_a']}/accept", data={"case_id": ids["case_b"], "csrf_token": token}
    )
    assert answer.status_code == 404
    assert (
        _api(served, "caseworker-a").get(f"/api/v1/leads/{ids['lead_a']}").json()["status"] == "new"
    )


def test_purge_erases_the_persons_leads_and_leaves_no_team_source_to_every_team(
    served: Served, instance_settings: Settings
) -> None:
    ids = served.world.ids
    assert ids["lead_b"] in _lead_ids(_api(served, "caseworker-b"))
    scan, _ = add_source(
        served.db,
        Source(title="Team B's own scan", text="Only team B holds this."),
        "test",
        scope=Scope.everything(),
    )
    link_source(served.db, ids["event_b"], scan.id or "", "test", scope=Scope.everything())
    team_a = served.login("caseworker-a")
    assert team_a.get(f"/sources/{scan.id}").status_code == 404
    result = run_cli(instance_settings, "purge", "--yes", ids["person_b"])
    assert result.returncode == 0, result.stderr
    assert ids["lead_b"] not in _raw_rows(instance_settings)
    assert team_a.get(f"/sources/{scan.id}").status_code == 404
    assert team_a.get(f"/sources/{ids['source_b']}").status_code == 404
    assert _api(served, "caseworker-a").get(f"/api/v1/sources/{scan.id}").status_code == 404
