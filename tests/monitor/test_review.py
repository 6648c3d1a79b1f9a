"""Triage of the review queue: filters, bulk rejection, correct-then-accept, re-matching, and
the decisions as a labelled set the extractor is scored on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from tests.helpers import add_lead, snapshot
from tests.monitor.ingest_support import add_volokhonsky, write_report

from havenwatch.access.scope import Scope
from havenwatch.access.teams import ensure_team
from havenwatch.cases.case_files import add_case, get_case
from havenwatch.cases.events import add_event, list_events
from havenwatch.cases.people import get_person
from havenwatch.cases.sources import add_source
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event, Source
from havenwatch.monitor.evaluate import evaluate
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import NO_MATCH, Lead, Target, get_lead, list_leads
from havenwatch.monitor.linking import WHOLE_NAME
from havenwatch.monitor.review import (
    SORTS,
    Correction,
    LeadFilter,
    TriageCursor,
    accept_reviewed,
    count_triage,
    extracted,
    list_triage,
    merge_reviewed,
    page_of_triage,
    reject_leads,
)
from havenwatch.monitor.reviewed import reviewed_examples
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, leads

MISREAD = (
    "Ilji Zelenk, a Russian activist, was refused entry at Belgrade airport on 3 May 2024. "
    "He had lived in Novi Sad since 2022. His lawyer said the decision gave no reasons "
    "beyond a reference to a security report."
)
SECOND = (
    "Serbian police revoked the residence permit of Ilija Zelenković, a Russian anti-war "
    "activist living in Novi Sad, on 12 June 2024, citing a security assessment. He has "
    "eight days to appeal, his lawyer said."
)
NAMED = "Ilija Zelenković"


def _ingest(db: Database, directory: Path, **texts: str) -> dict[str, Lead]:
    for name, text in texts.items():
        write_report(directory, f"{name}.txt", text)
    run_ingest(db, [str(directory)], "test")
    found = list_leads(db, status="new", scope=Scope.everything())
    return {lead.evidence.split(",")[0].split(" of ")[-1]: lead for lead in found}


def _by_type(db: Database, event_type: str) -> Lead:
    (lead,) = [
        lead
        for lead in list_leads(db, status="new", scope=Scope.everything())
        if lead.event_type == event_type
    ]
    return lead


def _correction(lead: Lead, **changes: object) -> Correction:
    values = {**extracted(lead).__dict__, **changes}
    return Correction(**values)  # type: ignore[arg-type]


def test_a_corrected_lead_stores_the_correction_and_keeps_the_extraction_sealed(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path, misread=MISREAD)
    lead = _by_type(db, "entry_ban")
    assert lead.subject_name == "Ilji Zelenk"
    kept = _correction(lead, subject_name=NAMED, event_type="residence_revoked", deadline_days=8)
    target = Target(None, None, "Wren", "default", Scope.everything())
    accepted = accept_reviewed(
        db, lead.id, "cli:rev", kept, target=target, scope=Scope.everything()
    )

    case = get_case(db, accepted.case_id, scope=Scope.everything())
    assert case.title == "Wren: residence revoked, RS"
    person = get_person(
        db, case.person_id, actor="test", with_identity=True, scope=Scope.everything()
    )
    assert person.identity is not None and person.identity.full_name == NAMED
    (event,) = list_events(db, accepted.case_id, scope=Scope.everything())
    assert (event.type, event.deadline_days) == ("residence_revoked", 8)
    decided = get_lead(db, lead.id, scope=Scope.everything())
    assert decided.status == "accepted" and decided.event_type == "residence_revoked"
    # The extractor's reading stays as it was, sealed, for scoring it.
    assert decided.subject_name == "Ilji Zelenk"
    assert decided.extraction["type"] == "entry_ban"
    stored = repr(snapshot(db)).lower()
    for needle in (NAMED.lower(), "zelenkovi", "ilji zelenk"):
        assert needle not in stored, needle
    (example,) = reviewed_examples(db)
    assert example.subject_corrections == 1
    assert example.gold_events[0]["subject"]["name"] == NAMED
    assert example.extracted_events[0]["subject"]["name"] == "Ilji Zelenk"


def test_a_case_title_is_translated_into_the_reviewers_language(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path, misread=MISREAD)
    lead = _by_type(db, "entry_ban")
    target = Target(None, None, "Wren", "default", Scope.everything())
    accepted = accept_reviewed(
        db, lead.id, "cli:rev", target=target, scope=Scope.everything(), language="sr_Latn"
    )
    assert (
        get_case(db, accepted.case_id, scope=Scope.everything()).title
        == "Wren: zabranjen ulazak, RS"
    )


def test_accepting_a_new_person_rematches_the_pending_lead_about_them(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path, misread=MISREAD, second=SECOND)
    first, second = _by_type(db, "entry_ban"), _by_type(db, "residence_revoked")
    assert second.match_reason == NO_MATCH and second.candidate_person_id is None
    kept = _correction(first, subject_name=NAMED)
    target = Target(None, None, "Wren", "default", Scope.everything())
    accepted = accept_reviewed(
        db, first.id, "cli:rev", kept, target=target, scope=Scope.everything()
    )
    assert accepted.rematched == 1
    now = get_lead(db, second.id, scope=Scope.everything())
    person_id = get_case(db, accepted.case_id, scope=Scope.everything()).person_id
    assert (now.candidate_person_id, now.match_reason) == (person_id, WHOLE_NAME)


def test_a_wrong_correction_is_refused_and_changes_nothing(db: Database, tmp_path: Path) -> None:
    _ingest(db, tmp_path, misread=MISREAD)
    lead = _by_type(db, "entry_ban")
    before = snapshot(db)
    target = Target(None, None, "Wren", "default", Scope.everything())
    for wrong in ({"country": "Serbia"}, {"event_type": "coup"}, {"event_date": "3 May"},
                  {"authority": "police"}, {"deadline_days": -1}):  # fmt: skip
        with pytest.raises(ValidationError):
            accept_reviewed(
                db,
                lead.id,
                "cli:rev",
                _correction(lead, **wrong),
                target=target,
                scope=Scope.everything(),
            )
    assert snapshot(db) == before


def test_bulk_rejection_audits_each_lead_and_fails_closed_on_another_teams_lead(
    db: Database, tmp_path: Path
) -> None:
    with db.write("test") as unit:
        mine = ensure_team(unit, "mine")
    add_volokhonsky(db, team="team-b")
    _ingest(
        db, tmp_path,
        misread=MISREAD, second=SECOND,
        theirs=MISREAD.replace("Ilji Zelenk", "Oleg Volokhonsky").replace("3 May", "4 May"),
    )  # fmt: skip
    pool = [lead.id for lead in list_leads(db, status="new", scope=Scope.teams(mine))]
    assert len(pool) == 2
    theirs = [
        lead.id
        for lead in list_leads(db, status="new", scope=Scope.everything())
        if lead.id not in pool
    ]
    before = snapshot(db)
    with pytest.raises(NotFoundError):
        reject_leads(db, pool + theirs, "web:rev", "not a case", scope=Scope.teams(mine))
    assert snapshot(db) == before
    assert reject_leads(db, pool, "web:rev", "not a case", scope=Scope.teams(mine)) == 2
    with db.read() as conn:
        rejected = conn.execute(
            select(audit_log.c.target_id).where(audit_log.c.action == "lead.reject")
        ).scalars()
        assert sorted(rejected) == sorted(pool)
        statuses = dict(conn.execute(select(leads.c.id, leads.c.status)).all())
    assert {statuses[lead_id] for lead_id in pool} == {"rejected"}
    assert statuses[theirs[0]] == "new"


def test_the_triage_filters_narrow_the_queue(db: Database, tmp_path: Path) -> None:
    add_volokhonsky(db)
    _ingest(
        db, tmp_path,
        misread=MISREAD, second=SECOND,
        known=MISREAD.replace("Ilji Zelenk", "Oleg Volokhonsky").replace("3 May", "4 May"),
    )  # fmt: skip
    everyone = Scope.everything()

    def count(**wanted: object) -> int:
        return count_triage(db, LeadFilter(**wanted), scope=everyone)

    assert count() == 3
    assert count(event_type="residence_revoked") == 1
    assert count(matched=True) == 1 and count(matched=False) == 2
    assert count(date_from="2024-06-01") == 1 and count(date_to="2024-05-31") == 2
    assert count(country="RS") == 3 and count(country="HU") == 0
    assert count(language="en") == 3 and count(language="ru") == 0
    (known,) = list_triage(db, LeadFilter(matched=True), scope=everyone)
    assert known.subject_name == "Oleg Volokhonsky"


def test_the_extractor_is_scored_on_the_decisions_with_the_ordinary_scorer(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path, misread=MISREAD, second=SECOND)
    first, second = _by_type(db, "entry_ban"), _by_type(db, "residence_revoked")
    target = Target(None, None, "Wren", "default", Scope.everything())
    accept_reviewed(
        db,
        first.id,
        "cli:rev",
        _correction(first, subject_name=NAMED),
        target=target,
        scope=Scope.everything(),
    )
    reject_leads(db, [second.id], "cli:rev", "not about an exile", scope=Scope.everything())
    examples = reviewed_examples(db)
    assert sorted(len(item.gold_events) for item in examples) == [0, 1]
    report = evaluate([item.gold() for item in examples], [item.prediction() for item in examples])
    assert report.documents == 2
    assert report.false_events_on_irrelevant == 1
    assert report.events.false_positives >= 1


def test_the_triage_list_sorts_by_date_type_and_match_in_a_total_order(
    db: Database, tmp_path: Path
) -> None:
    add_volokhonsky(db)
    _ingest(
        db, tmp_path,
        misread=MISREAD, second=SECOND,
        known=MISREAD.replace("Ilji Zelenk", "Oleg Volokhonsky").replace("3 May", "4 May"),
    )  # fmt: skip
    everyone = Scope.everything()

    def order(sort: str) -> list[tuple[str, str | None, str | None]]:
        found = list_triage(db, LeadFilter(sort=sort), scope=everyone)
        return [(lead.event_type, lead.event_date, lead.subject_name) for lead in found]

    assert [row[1] for row in order("date")] == ["2024-06-12", "2024-05-04", "2024-05-03"]
    assert [row[0] for row in order("type")] == ["entry_ban", "entry_ban", "residence_revoked"]
    assert order("match")[0][2] == "Oleg Volokhonsky"
    # Paging through any order meets every lead once: the id breaks every tie.
    for sort in SORTS:
        pages = [
            lead.id
            for offset in range(3)
            for lead in list_triage(
                db, LeadFilter(sort=sort), scope=everyone, limit=1, offset=offset
            )
        ]
        assert len(set(pages)) == 3, sort
    with pytest.raises(ValidationError):
        list_triage(db, LeadFilter(sort="score"), scope=everyone)


def test_the_subjects_nationality_gender_and_age_are_corrected_before_accepting(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path, misread=MISREAD)
    lead = _by_type(db, "entry_ban")
    assert extracted(lead).nationality == "RU"
    kept = _correction(lead, subject_name=NAMED, nationality="by", gender="male", age=34)
    target = Target(None, None, "Wren", "default", Scope.everything())
    accepted = accept_reviewed(
        db, lead.id, "cli:rev", kept, target=target, scope=Scope.everything()
    )
    case = get_case(db, accepted.case_id, scope=Scope.everything())
    person = get_person(db, case.person_id, actor="test", scope=Scope.everything())
    assert (person.nationality, person.gender) == ("BY", "male")
    (example,) = reviewed_examples(db)
    assert example.gold_events[0]["subject"] == {
        "name": NAMED, "nationality": "BY", "age": 34, "gender": "male",
    }  # fmt: skip
    assert example.extracted_events[0]["subject"]["nationality"] == "RU"
    for wrong in ({"nationality": "Belarus"}, {"gender": "other"}, {"age": 300}):
        other = _ingest(db, tmp_path / "again", misread=MISREAD.replace("3 May", "5 May"))
        (pending,) = [item for item in other.values() if item.status == "new"]
        with pytest.raises(ValidationError):
            accept_reviewed(
                db, pending.id, "cli:rev", _correction(pending, **wrong),
                target=target, scope=Scope.everything(),
            )  # fmt: skip


def test_merging_a_lead_rematches_the_pending_leads_about_that_person(
    db: Database, tmp_path: Path
) -> None:
    oleg = "Oleg Volokhonsky"
    _ingest(
        db, tmp_path,
        first=MISREAD.replace("Ilji Zelenk", oleg), second=SECOND.replace("Ilija Zelenković", oleg),
    )  # fmt: skip
    first, second = _by_type(db, "entry_ban"), _by_type(db, "residence_revoked")
    assert second.match_reason == NO_MATCH
    person_id = add_volokhonsky(db)  # known only after both reports came in
    everyone = Scope.everything()
    case = add_case(db, Case(person_id=person_id, country="RS"), "test", scope=everyone)
    event = add_event(db, Event(case_id=case.id or "", type="entry_ban"), "test", scope=everyone)
    merged = merge_reviewed(db, first.id, event.id or "", "cli:rev", scope=everyone)
    assert (merged.lead.status, merged.case_id, merged.rematched) == ("merged", case.id, 1)
    now = get_lead(db, second.id, scope=everyone)
    assert (now.candidate_person_id, now.match_reason) == (person_id, WHOLE_NAME)


def _queue_of_every_shape(db: Database) -> None:
    """Nine leads: dated and undated, three types, three languages and none, two matching a
    known person, and three sharing one ingest time (the id breaks the tie)."""

    person = add_volokhonsky(db)
    everyone = Scope.everything()
    shapes = [
        ("entry_ban", "2024-05-03", "sr", None),
        ("entry_ban", None, "ru", person),
        ("residence_revoked", "2024-06-12", None, None),
        ("expulsion_order", "2024-05", "en", None),
        ("residence_revoked", None, "sr", None),
        ("expulsion_order", "2024-05-03", "ru", person),
        ("entry_ban", "2023", None, None),
        ("expulsion_order", None, "en", None),
        ("residence_revoked", "2024-05-03", "sr", None),
    ]
    ids = []
    for number, (event_type, day, language, match) in enumerate(shapes):
        source, _ = add_source(
            db, Source(title=f"Report {number}", text=f"Report {number}.", language=language),
            "test", scope=everyone,
        )  # fmt: skip
        lead_id = add_lead(
            db, source.id or "", f"Report {number}.", event_type=event_type, person_id=match
        )
        ids.append(lead_id)
        with db.write("test") as unit:
            unit.conn.execute(leads.update().where(leads.c.id == lead_id).values(event_date=day))
    same_moment = utcnow()
    with db.write("test") as unit:
        unit.conn.execute(
            leads.update().where(leads.c.id.in_(ids[3:6])).values(created_at=same_moment)
        )


def test_every_order_pages_by_its_cursor_through_each_lead_once_as_the_full_list_orders_them(
    db: Database,
) -> None:
    _queue_of_every_shape(db)
    everyone = Scope.everything()
    for sort in SORTS:
        wanted = LeadFilter(sort=sort)
        expected = [lead.id for lead in list_triage(db, wanted, scope=everyone, limit=100)]
        assert len(expected) == 9, sort
        walked: list[str] = []
        cursor: TriageCursor | None = None
        for number in range(5):
            page = page_of_triage(
                db, wanted, scope=everyone, offset=number * 2, size=2, count_until=100,
                after=cursor,
            )  # fmt: skip
            walked += [lead.id for lead in page.leads]
            assert page.matching == 9, sort
            if page.next_cursor is None:
                break
            cursor = TriageCursor.parse(page.next_cursor.text())
            assert cursor == page.next_cursor, sort
        assert walked == expected, sort
    dates = [lead.event_date for lead in list_triage(db, LeadFilter(sort="date"), scope=everyone)]
    assert dates[:2] == ["2024-06-12", "2024-05-03"] and dates[-3:] == [None, None, None]


def test_the_triage_list_counts_only_up_to_its_limit_and_a_far_offset_shows_the_last_page(
    db: Database,
) -> None:
    _queue_of_every_shape(db)
    everyone = Scope.everything()
    page = page_of_triage(db, LeadFilter(), scope=everyone, offset=0, size=2, count_until=5)
    assert page.matching == 5 and len(page.leads) == 2 and page.next_cursor is not None
    last = page_of_triage(db, LeadFilter(), scope=everyone, offset=40, size=2, count_until=100)
    assert (last.offset, len(last.leads), last.next_cursor) == (8, 1, None)
    assert TriageCursor.parse("newest~~2024~x") is None
    assert TriageCursor.parse("score~a~20240101T000000000000~abc") is None
