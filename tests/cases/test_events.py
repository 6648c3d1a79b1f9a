"""Deleting an event: the timeline, search index, deadlines, sources, documents and leads."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import source_visibility
from havenwatch.cases.case_files import CaseFilter, add_case, list_cases
from havenwatch.cases.deadlines import deadlines_of_case
from havenwatch.cases.events import (
    add_event,
    delete_event,
    edit_event,
    link_source,
    list_events,
    sources_deleted_with,
)
from havenwatch.cases.people import add_person
from havenwatch.cases.search import search
from havenwatch.cases.sources import add_source
from havenwatch.cases.vault import store_document
from havenwatch.core.dates import from_day
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Event, Person, Source
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import (
    audit_log,
    cases,
    documents,
    event_sources,
    leads,
    search_entries,
    sources,
)
from tests.helpers import add_lead, snapshot


def _case(db: Database, team: str = "team-a") -> str:
    person = add_person(
        db, Person(pseudonym="Lark", nationality="RU", team=team), "test", scope=Scope.everything()
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team=team),
        "test",
        scope=Scope.everything(),
    )
    return case.id or ""


def _expulsion(db: Database, case_id: str, **extra: object) -> str:
    event = add_event(
        db,
        Event(
            case_id=case_id,
            type="expulsion_order",
            date=from_day(date(2025, 4, 1)),
            served_on=date(2025, 4, 3),
            deadline_days=30,
            authority="interior_ministry",
            decision_code="return_decision",
            notes="served at the flat",
            **extra,  # type: ignore[arg-type]
        ),
        "test",
        scope=Scope.everything(),
    )
    return event.id or ""


def _fts_rowids(db: Database, word: str) -> list[int]:
    """SQLite: rowids the full-text index itself (not `search_entries`) holds for a word.

    A deleted entry that the index still held would be dropped by the join in `search`, but
    could match again once SQLite reuses its rowid; the index must forget it. Every FTS5 table
    over `search_entries` is asked, whatever the index layout of the current migration.
    """
    if not db.is_sqlite:
        return []
    with db.read() as conn:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search_fts%' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        ).scalars()
        return [
            int(rowid)
            for table in list(tables)
            for rowid in conn.exec_driver_sql(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (f'"{word}"',)
            ).scalars()
        ]


def test_a_deleted_event_leaves_the_timeline_and_the_search_index(db: Database) -> None:
    case_id = _case(db)
    kept = add_event(
        db, Event(case_id=case_id, type="detention"), "test", scope=Scope.everything()
    ).id
    gone = _expulsion(db, case_id)
    assert search(db, "interior ministry", scope=Scope.everything())["event"] == [gone]
    assert bool(_fts_rowids(db, "interior")) == db.is_sqlite
    delete_event(db, case_id, gone, "test", scope=Scope.everything())
    assert [event.id for event in list_events(db, case_id, scope=Scope.everything())] == [kept]
    assert search(db, "interior ministry", scope=Scope.everything())["event"] == []
    assert search(db, "detention", scope=Scope.everything())["event"] == [kept]
    with db.read() as conn:
        entries = conn.execute(select(search_entries.c.ref_id)).scalars().all()
    assert gone not in entries
    assert _fts_rowids(db, "interior") == []


def test_deleting_the_decision_removes_the_deadlines_it_opened(db: Database) -> None:
    case_id = _case(db)
    event_id = _expulsion(db, case_id)
    before = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 5), scope=Scope.everything())
    assert before is not None and before.deadlines
    delete_event(db, case_id, event_id, "test", scope=Scope.everything())
    after = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 5), scope=Scope.everything())
    assert after is not None and not after.deadlines


def test_deleting_the_appeal_opens_the_deadline_it_had_met_again(db: Database) -> None:
    case_id = _case(db)
    _expulsion(db, case_id)
    appeal = add_event(
        db,
        Event(case_id=case_id, type="appeal", date=from_day(date(2025, 4, 15))),
        "test",
        scope=Scope.everything(),
    )
    delete_event(db, case_id, appeal.id or "", "test", scope=Scope.everything())
    plan = deadlines_of_case(db, case_id, "RS", today=date(2025, 4, 16), scope=Scope.everything())
    assert plan is not None
    assert next(d for d in plan.deadlines if d.step.remedy == "appeal").status == "open"


def test_deletion_is_audited_with_the_type_and_links_never_the_notes(db: Database) -> None:
    case_id = _case(db)
    event_id = _expulsion(db, case_id)
    delete_event(db, case_id, event_id, "user:alice", scope=Scope.everything())
    with db.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "event.delete")).one()
    assert (entry.actor, entry.target_id, entry.case_id) == ("user:alice", event_id, case_id)
    assert entry.detail["type"] == "expulsion_order"
    assert "flat" not in repr(entry.detail)


def test_a_source_linked_to_nothing_else_is_deleted_with_the_event(db: Database) -> None:
    case_id = _case(db)
    only_here, _ = add_source(
        db,
        Source(title="Only here", text="Lark was told to leave."),
        "test",
        scope=Scope.everything(),
    )
    shared, _ = add_source(
        db,
        Source(title="Shared", text="Two people were expelled."),
        "test",
        scope=Scope.everything(),
    )
    event_id = _expulsion(db, case_id, source_ids=[only_here.id, shared.id])
    other = add_event(
        db, Event(case_id=case_id, type="detention"), "test", scope=Scope.everything()
    )
    link_source(db, other.id or "", shared.id or "", "test", scope=Scope.everything())
    assert sources_deleted_with(db, case_id, event_id, scope=Scope.everything()) == [only_here.id]
    result = delete_event(db, case_id, event_id, "test", scope=Scope.everything())
    assert result.unlinked_sources == sorted([only_here.id or "", shared.id or ""])
    assert result.deleted_sources == [only_here.id]
    with db.read() as conn:
        left = set(conn.execute(select(sources.c.id)).scalars())
        links = conn.execute(select(event_sources.c.event_id)).scalars().all()
    assert left == {shared.id} and links == [other.id]
    assert search(db, "told to leave", scope=Scope.everything())["source"] == []
    assert search(db, "expelled", scope=Scope.everything())["source"] == [shared.id]
    assert _fts_rowids(db, "told") == []


def test_a_source_of_another_teams_event_never_becomes_visible_to_every_team(
    db: Database,
) -> None:
    case_a, case_b = _case(db, "team-a"), _case(db, "team-b")
    report, _ = add_source(
        db, Source(title="B only", text="About B's client."), "test", scope=Scope.everything()
    )
    _expulsion(db, case_a)
    event_b = _expulsion(db, case_b, source_ids=[report.id])
    delete_event(db, case_b, event_b, "test", scope=Scope.everything())
    with db.read() as conn:
        team_a = conn.execute(select(cases.c.team_id).where(cases.c.id == case_a)).scalar_one()
        visible = conn.execute(
            select(sources.c.id).where(source_visibility(Scope.teams(team_a)))
        ).all()
    assert visible == []


def test_a_source_the_monitor_ingested_or_a_lead_cites_is_kept(db: Database) -> None:
    case_id = _case(db)
    ingested, _ = add_source(
        db, Source(title="Wire", text="An activist was expelled."), "test", scope=Scope.everything()
    )
    cited, _ = add_source(
        db, Source(title="Cited", text="A lead cites this."), "test", scope=Scope.everything()
    )
    with db.write("test") as unit:
        unit.conn.execute(
            sources.update().where(sources.c.id == ingested.id).values(story_id=ingested.id)
        )
    add_lead(db, cited.id or "", "A lead cites this.")
    event_id = _expulsion(db, case_id, source_ids=[ingested.id, cited.id])
    assert (
        delete_event(db, case_id, event_id, "test", scope=Scope.everything()).deleted_sources == []
    )
    with db.read() as conn:
        assert len(conn.execute(select(sources.c.id)).all()) == 2


def test_documents_stay_with_the_case_and_leads_keep_their_decision(
    db: Database, instance_settings: Settings
) -> None:
    case_id = _case(db)
    event_id = _expulsion(db, case_id)
    document = store_document(
        db,
        instance_settings,
        case_id=case_id,
        filename="order.txt",
        data=b"order\n",
        actor="test",
        scope=Scope.everything(),
    )
    source, _ = add_source(
        db, Source(title="Wire", text="A decision."), "test", scope=Scope.everything()
    )
    with db.write("test") as unit:
        unit.conn.execute(
            documents.update().where(documents.c.id == document.id).values(event_id=event_id)
        )
    lead_id = add_lead(db, source.id or "", "A decision.", status="merged", event_id=event_id)
    result = delete_event(db, case_id, event_id, "test", scope=Scope.everything())
    assert (result.detached_documents, result.detached_leads) == (1, 1)
    with db.read() as conn:
        doc = conn.execute(select(documents).where(documents.c.id == document.id)).one()
        lead = conn.execute(select(leads).where(leads.c.id == lead_id)).one()
    assert (doc.case_id, doc.event_id) == (case_id, None)
    assert (lead.status, lead.event_id) == ("merged", None)


def test_an_event_of_another_team_or_case_is_not_found_and_nothing_changes(
    db: Database,
) -> None:
    case_id, other_case = _case(db, "team-a"), _case(db, "team-a")
    event_id = _expulsion(db, case_id)
    before = snapshot(db)
    with pytest.raises(NotFoundError):
        delete_event(db, case_id, event_id, "test", scope=Scope.teams("some-other-team"))
    with pytest.raises(NotFoundError):
        delete_event(db, other_case, event_id, "test", scope=Scope.everything())
    with pytest.raises(NotFoundError):
        delete_event(db, case_id, "no-such-event", "test", scope=Scope.everything())
    assert snapshot(db) == before


def test_the_case_list_no_longer_finds_the_case_by_the_deleted_events_type(
    db: Database,
) -> None:
    case_id = _case(db)
    add_event(db, Event(case_id=case_id, type="detention"), "test", scope=Scope.everything())
    event_id = _expulsion(db, case_id)
    assert [
        c.id
        for c in list_cases(db, CaseFilter(event_type="expulsion_order"), scope=Scope.everything())
    ] == [case_id]
    delete_event(db, case_id, event_id, "test", scope=Scope.everything())
    assert list_cases(db, CaseFilter(event_type="expulsion_order"), scope=Scope.everything()) == []
    assert [
        c.id for c in list_cases(db, CaseFilter(event_type="detention"), scope=Scope.everything())
    ] == [case_id]


def test_a_decision_code_the_countrys_rules_do_not_know_is_refused_and_nothing_is_stored(
    db: Database,
) -> None:
    case_id = _case(db)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="decision_code: unknown code 'expelled'"):
        add_event(
            db,
            Event(case_id=case_id, type="expulsion_order", decision_code="expelled"),
            "t",
            scope=Scope.everything(),
        )
    assert snapshot(db) == before
    event_id = _expulsion(db, case_id)
    with pytest.raises(ValidationError, match="decision_code"):
        edit_event(
            db,
            case_id,
            event_id,
            "t",
            changes={"decision_code": "expelled"},
            scope=Scope.everything(),
        )
    assert list_events(db, case_id, scope=Scope.everything())[0].decision_code == "return_decision"


def test_remedy_codes_are_known_codes_and_countries_without_rules_take_any_code(
    db: Database,
) -> None:
    appeal = add_event(
        db,
        Event(case_id=_case(db), type="appeal", decision_code="administrative_dispute"),
        "t",
        scope=Scope.everything(),
    )
    assert appeal.decision_code == "administrative_dispute"
    person = add_person(
        db, Person(pseudonym="Wren", team="team-a"), "test", scope=Scope.everything()
    )
    georgian = add_case(
        db,
        Case(person_id=person.id or "", country="GE", team="team-a"),
        "t",
        scope=Scope.everything(),
    )
    kept = add_event(
        db,
        Event(case_id=georgian.id or "", type="entry_ban", decision_code="ge_ban"),
        "t",
        scope=Scope.everything(),
    )
    assert kept.decision_code == "ge_ban"
