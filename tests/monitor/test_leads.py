from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import snapshot
from tests.monitor.ingest_support import REFUSED_AT_AIRPORT, add_volokhonsky, write_report

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.cases.case_files import add_case, list_cases
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.people import get_person
from havenwatch.cases.sources import get_source, list_sources
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import (
    NO_MATCH,
    SEVERAL,
    accept_lead,
    count_leads,
    get_lead,
    list_leads,
    merge_lead,
    reject_lead,
)
from havenwatch.monitor.linking import WHOLE_NAME
from havenwatch.reports.dashboard import dashboard_counts
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, teams

MONITOR_TABLES = ("leads", "lead_matches", "lead_sources", "sources", "ingest_queue")


def _ingest_story(db: Database, directory: Path, *names: str) -> str:
    """Ingest one story (a copy per spelling given) and return its one lead's id."""
    for number, name in enumerate(names):
        text = REFUSED_AT_AIRPORT.format(name=name)
        write_report(directory, f"copy-{number}.txt", text + f" Reporting by outlet {number}.")
    run_ingest(db, [str(directory)], "test")
    (lead,) = list_leads(db, status="new", scope=Scope.everything())
    return lead.id


def test_accepting_a_lead_opens_a_case_for_the_matched_person_citing_every_source(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky", "Oleg Volokhonski")
    accepted = accept_lead(db, lead_id, "cli:alice", scope=Scope.everything())
    (case,) = list_cases(db, scope=Scope.everything())
    assert (case.person_id, case.country, case.status) == (person_id, "RS", "open")
    (event,) = list_events(db, case.id or "", scope=Scope.everything())
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
    case = add_case(db, Case(person_id=person_id, country="RS"), "test", scope=Scope.everything())
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky")
    assert get_lead(db, lead_id, scope=Scope.everything()).candidate_case_id == case.id
    accept_lead(db, lead_id, "test", scope=Scope.everything())
    assert len(list_cases(db, scope=Scope.everything())) == 1
    assert [event.type for event in list_events(db, case.id or "", scope=Scope.everything())] == [
        "entry_ban"
    ]


def test_accepting_an_unknown_person_needs_a_pseudonym_and_keeps_the_reported_name_sealed(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path, "Pavel Zhavoronkov")
    assert get_lead(db, lead_id, scope=Scope.everything()).candidate_person_id is None
    with pytest.raises(ValidationError):
        accept_lead(db, lead_id, "test", scope=Scope.everything())
    accept_lead(db, lead_id, "test", pseudonym="Lark", team="belgrade", scope=Scope.everything())
    (case,) = list_cases(db, scope=Scope.everything())
    person = get_person(
        db, case.person_id, actor="test", with_identity=True, scope=Scope.everything()
    )
    assert (person.pseudonym, person.identity.full_name, person.team) == (
        "Lark", "Pavel Zhavoronkov", "belgrade",
    )  # fmt: skip


def test_merging_adds_the_leads_sources_to_an_event_as_corroboration(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    case = add_case(db, Case(person_id=person_id, country="RS"), "test", scope=Scope.everything())
    event = add_event(
        db, Event(case_id=case.id or "", type="entry_ban"), "test", scope=Scope.everything()
    )
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky", "Oleg Volochonski")
    merged = merge_lead(db, lead_id, event.id or "", "test", scope=Scope.everything())
    (recorded,) = list_events(db, case.id or "", scope=Scope.everything())
    assert sorted(recorded.source_ids) == sorted(source.id for source in merged.sources)
    assert (merged.status, merged.event_id) == ("merged", event.id)


def test_a_rejected_lead_keeps_its_reason_and_never_comes_back(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path / "first", "Oleg Volokhonsky")
    with pytest.raises(ValidationError):
        reject_lead(db, lead_id, "test", "  ", scope=Scope.everything())
    rejected = reject_lead(
        db, lead_id, "cli:bob", "a namesake, not our client", scope=Scope.everything()
    )
    assert (rejected.status, rejected.decision_reason) == ("rejected", "a namesake, not our client")
    run_ingest(db, [str(tmp_path / "first")], "test")
    write_report(
        tmp_path / "later", "syndicated.txt",
        REFUSED_AT_AIRPORT.format(name="Oleg Volokhonski") + " Reporting by Sava Post.",
    )  # fmt: skip
    run_ingest(db, [str(tmp_path / "later")], "test")
    assert count_leads(db, status="new", scope=Scope.everything()) == 0
    again = get_lead(db, lead_id, scope=Scope.everything())
    assert again.status == "rejected" and len(again.sources) == 2
    with pytest.raises(ValidationError, match="already rejected by cli:bob"):
        accept_lead(db, lead_id, "test", pseudonym="Heron", scope=Scope.everything())


def test_a_lead_about_a_known_person_is_visible_to_their_team_only(
    db: Database, tmp_path: Path
) -> None:
    add_volokhonsky(db, team="nis")
    _ingest_story(db, tmp_path / "known", "Oleg Volokhonsky")
    write_report(tmp_path / "other", "x.txt", REFUSED_AT_AIRPORT.format(name="Anna Morozova"))
    run_ingest(db, [str(tmp_path / "other")], "test")
    with db.read() as conn:
        team_ids = {row.name: row.id for row in conn.execute(select(teams))}
    own = list_leads(db, scope=Scope.teams(team_ids["nis"]))
    assert {lead.subject_name for lead in own} == {"Oleg Volokhonsky", "Anna Morozova"}
    other = list_leads(db, scope=Scope.teams("someone-else"))
    assert [lead.subject_name for lead in other] == ["Anna Morozova"]
    assert count_leads(db, scope=Scope.teams("someone-else")) == 1


def _team(db: Database, name: str) -> str:
    with db.write("test") as unit:
        return ensure_team(unit, name)


def _monitor_rows(db: Database) -> str:
    """Every row the monitor wrote (leads, their matches, reports, queue), as one text."""
    tables = snapshot(db)
    return repr([tables[name] for name in MONITOR_TABLES])


def test_after_ingest_no_monitor_row_holds_the_name_or_the_match_in_clear(
    db: Database, tmp_path: Path
) -> None:
    person_id = add_volokhonsky(db)
    case = add_case(db, Case(person_id=person_id, country="RS"), "test", scope=Scope.everything())
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky", "Олег Волохонский")
    lead = get_lead(db, lead_id, scope=Scope.everything())
    assert (lead.candidate_person_id, lead.candidate_case_id) == (person_id, case.id)
    assert lead.subject_name in {"Oleg Volokhonsky", "Олег Волохонский"}
    stored = _monitor_rows(db)
    for needle in ("Volokhonsky", "Волохонский", "Oleg", person_id, case.id or ""):
        assert needle not in stored


def test_the_match_reason_is_a_code_and_never_quotes_the_name(db: Database, tmp_path: Path) -> None:
    add_volokhonsky(db)
    known = get_lead(
        db, _ingest_story(db, tmp_path / "known", "Oleg Volokhonsky"), scope=Scope.everything()
    )
    write_report(tmp_path / "other", "x.txt", REFUSED_AT_AIRPORT.format(name="Anna Morozova"))
    run_ingest(db, [str(tmp_path / "other")], "test")
    (unknown,) = [lead for lead in list_leads(db, scope=Scope.everything()) if lead.id != known.id]
    assert (known.match_score, known.match_reason) == (100, WHOLE_NAME)
    assert (unknown.match_score, unknown.match_reason) == (None, NO_MATCH)


def test_a_lead_matching_people_of_two_teams_shows_each_team_only_its_own_person(
    db: Database, tmp_path: Path
) -> None:
    ours = add_volokhonsky(db, team="nis")
    theirs = add_volokhonsky(db, team="beograd")
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky")
    with db.read() as conn:
        team_ids = {row.name: row.id for row in conn.execute(select(teams))}
    seen_by_nis = get_lead(db, lead_id, scope=Scope.teams(team_ids["nis"]))
    seen_by_beograd = get_lead(db, lead_id, scope=Scope.teams(team_ids["beograd"]))
    assert (seen_by_nis.candidate_person_id, seen_by_nis.match_reason) == (ours, WHOLE_NAME)
    assert (seen_by_beograd.candidate_person_id, seen_by_beograd.match_reason) == (
        theirs, WHOLE_NAME,
    )  # fmt: skip
    assert (
        get_lead(db, lead_id, scope=Scope.everything()).match_reason == SEVERAL
    )  # an administrator sees both
    assert count_leads(db, scope=Scope.teams("a-third-team")) == 0
    with pytest.raises(NotFoundError):
        get_lead(db, lead_id, scope=Scope.teams("a-third-team"))


def test_a_lead_matching_nobody_is_the_monitor_pools_and_every_team_sees_it(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path, "Anna Morozova")
    assert [lead.id for lead in list_leads(db, scope=Scope.teams("any-team"))] == [lead_id]
    assert dashboard_counts(db, Scope.teams("any-team"), date(2024, 5, 10)).new_leads == 1


def test_the_dashboard_counts_the_leads_the_queue_lists(db: Database, tmp_path: Path) -> None:
    add_volokhonsky(db, team="nis")
    _ingest_story(db, tmp_path, "Oleg Volokhonsky")
    assert dashboard_counts(db, Scope.teams("someone-else"), date(2024, 5, 10)).new_leads == 0
    assert count_leads(db, status="new", scope=Scope.teams("someone-else")) == 0


def test_decisions_on_another_teams_lead_are_not_found_and_change_nothing(
    db: Database, tmp_path: Path
) -> None:
    add_volokhonsky(db, team="nis")
    lead_id = _ingest_story(db, tmp_path, "Oleg Volokhonsky")
    elsewhere = ["someone-else"]
    before = snapshot(db)
    with pytest.raises(NotFoundError):
        accept_lead(db, lead_id, "test", pseudonym="Intruder", scope=Scope.teams(*elsewhere))
    with pytest.raises(NotFoundError):
        reject_lead(db, lead_id, "test", "not ours", scope=Scope.teams(*elsewhere))
    assert snapshot(db) == before


def test_a_lead_is_not_accepted_or_merged_into_another_teams_case(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path, "Anna Morozova")  # the pool's: every team sees it
    person_id = add_volokhonsky(db, team="beograd")
    case = add_case(
        db,
        Case(person_id=person_id, country="RS", team="beograd"),
        "test",
        scope=Scope.everything(),
    )
    event = add_event(
        db, Event(case_id=case.id or "", type="entry_ban"), "test", scope=Scope.everything()
    )
    nis = _team(db, "nis")
    before = snapshot(db)
    with pytest.raises(NotFoundError):
        accept_lead(db, lead_id, "test", case_id=case.id, scope=Scope.teams(nis))
    with pytest.raises(NotFoundError):
        accept_lead(db, lead_id, "test", person_id=person_id, scope=Scope.teams(nis))
    with pytest.raises(NotFoundError):
        merge_lead(db, lead_id, event.id or "", "test", scope=Scope.teams(nis))
    assert snapshot(db) == before


def test_an_accepted_pool_lead_then_belongs_to_the_accepting_team_only(
    db: Database, tmp_path: Path
) -> None:
    lead_id = _ingest_story(db, tmp_path, "Anna Morozova")
    own = _team(db, "nis")
    accept_lead(db, lead_id, "test", pseudonym="Lark", team="nis", scope=Scope.teams(own))
    assert get_lead(db, lead_id, scope=Scope.teams(own)).match_reason == "accepted"
    assert count_leads(db, scope=Scope.teams("someone-else")) == 0


def test_an_ingested_report_is_stored_sealed_and_opens_for_whoever_holds_the_key(
    db: Database, tmp_path: Path
) -> None:
    lead = get_lead(db, _ingest_story(db, tmp_path, "Anna Morozova"), scope=Scope.everything())
    (source_id,) = [source.id for source in lead.sources]
    assert "Anna Morozova" in get_source(db, source_id, scope=Scope.everything()).text
    assert [source.text for source in list_sources(db, scope=Scope.everything())] == [
        get_source(db, source_id, scope=Scope.everything()).text
    ]
    without_key = Database(db.url)
    try:
        assert get_source(without_key, source_id, scope=Scope.everything()).text == ""
    finally:
        without_key.dispose()
