from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.monitor.ingest_support import REFUSED_AT_AIRPORT, add_volokhonsky, write_report

from havenwatch.cases.case_files import add_case, list_cases
from havenwatch.cases.errors import ValidationError
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.model import Case, Event
from havenwatch.cases.people import get_person
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import (
    accept_lead,
    count_leads,
    get_lead,
    list_leads,
    merge_lead,
    reject_lead,
)
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, teams


def _ingest_story(db: Database, directory: Path, *names: str) -> str:
    """Ingest one story (a copy per spelling given) and return its one lead's id."""
    for number, name in enumerate(names):
        text = REFUSED_AT_AIRPORT.format(name=name)
        write_report(directory, f"copy-{number}.txt", text + f" Reporting by outlet {number}.")
    run_ingest(db, [str(directory)], "test")
    (lead,) = list_leads(db, status="new")
    return lead.id


def test_accepting_a_lead_opens_a_case_for_the_matched_person_citing_every_source(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky", "Oleg Volokhonski")
    accepted = accept_lead(db, lead_id, "cli:alice")
    (case,) = list_cases(db)
    assert (case.person_id, case.country, case.status) == (person_id, "RS", "open")
    (event,) = list_events(db, case.id or "")
    assert event.type == "entry_ban" and event.date and event.date.text == "2024-05-03"
    assert sorted(event.source_ids) == sorted(source.id for source in accepted.sources)
    assert len(event.source_ids) == 2
    assert (accepted.status, accepted.decided_by, accepted.event_id) == (
        "accepted", "cli:alice", event.id,
    )  # fmt: skip
    assert accepted.decided_at is not None
    with db.read() as conn:
        actions = list(conn.execute(select(audit_log.c.action, audit_log.c.actor)))
    assert ("lead.accept", "cli:alice") in actions


def test_accepting_extends_the_persons_open_case_in_that_country(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    case = add_case(db, Case(person_id=person_id, country="RS"), "test")
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky")
    assert get_lead(db, lead_id).candidate_case_id == case.id
    accept_lead(db, lead_id, "test")
    assert len(list_cases(db)) == 1
    assert [event.type for event in list_events(db, case.id or "")] == ["entry_ban"]


def test_accepting_an_unknown_person_needs_a_pseudonym_and_keeps_the_reported_name_sealed(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path, "Pavel Zhavoronkov")
    assert get_lead(db, lead_id).candidate_person_id is None
    with pytest.raises(ValidationError):
        accept_lead(db, lead_id, "test")
    accept_lead(db, lead_id, "test", pseudonym="Lark", team="belgrade")
    (case,) = list_cases(db)
    person = get_person(db, case.person_id, actor="test", with_identity=True)
    assert (person.pseudonym, person.identity.full_name, person.team) == (
        "Lark", "Pavel Zhavoronkov", "belgrade",
    )  # fmt: skip


def test_merging_adds_the_leads_sources_to_an_event_as_corroboration(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    case = add_case(db, Case(person_id=person_id, country="RS"), "test")
    event = add_event(db, Event(case_id=case.id or "", type="entry_ban"), "test")
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky", "Oleg Volochonski")
    merged = merge_lead(db, lead_id, event.id or "", "test")
    (recorded,) = list_events(db, case.id or "")
    assert sorted(recorded.source_ids) == sorted(source.id for source in merged.sources)
    assert (merged.status, merged.event_id) == ("merged", event.id)


def test_a_rejected_lead_keeps_its_reason_and_never_comes_back(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path / "first", "Oleg Volokhonsky")
    with pytest.raises(ValidationError):
        reject_lead(db, lead_id, "test", "  ")
    rejected = reject_lead(db, lead_id, "cli:bob", "a namesake, not our client")
    assert (rejected.status, rejected.decision_reason) == ("rejected", "a namesake, not our client")
    run_ingest(db, [str(tmp_path / "first")], "test")
    write_report(
        tmp_path / "later", "syndicated.txt",
        REFUSED_AT_AIRPORT.format(name="Oleg Volokhonski") + " Reporting by Sava Post.",
    )  # fmt: skip
    run_ingest(db, [str(tmp_path / "later")], "test")
    assert count_leads(db, status="new") == 0
    again = get_lead(db, lead_id)
    assert again.status == "rejected" and len(again.sources) == 2
    with pytest.raises(ValidationError, match="already rejected by cli:bob"):
        accept_lead(db, lead_id, "test", pseudonym="Heron")


def test_a_lead_about_a_known_person_is_visible_to_their_team_only(
    db: Database, tmp_path: Path
) -> None:
    add_volokhonsky(db, team="nis")
    _ingest_story(db, tmp_path / "known", "Oleg Volokhonsky")
    write_report(tmp_path / "other", "x.txt", REFUSED_AT_AIRPORT.format(name="Anna Morozova"))
    run_ingest(db, [str(tmp_path / "other")], "test")
    with db.read() as conn:
        team_ids = {row.name: row.id for row in conn.execute(select(teams))}
    own = list_leads(db, team_ids=[team_ids["nis"]])
    assert {lead.subject_name for lead in own} == {"Oleg Volokhonsky", "Anna Morozova"}
    other = list_leads(db, team_ids=["someone-else"])
    assert [lead.subject_name for lead in other] == ["Anna Morozova"]
    assert count_leads(db, team_ids=["someone-else"]) == 1
