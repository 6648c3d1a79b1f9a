from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from havenwatch.access.scope import Scope
from havenwatch.cases.people import add_person
from havenwatch.core.clock import utcnow
from havenwatch.core.model import Identity, Person
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import generate_keyring
from havenwatch.monitor.leads import count_leads, get_lead
from havenwatch.store import migrate
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log, metadata, teams
from tests.helpers import snapshot

# Made by raw SQL in the migrations, where SQLAlchemy has no portable way to declare them:
# SQLite's FTS5 tables (and their shadow tables) and PostgreSQL's expression index for search.
RAW_SQL_INDEXES = {
    f"ix_search_entries_tsv_{kind}" for kind in ("person", "case", "event", "source")
}


def _unexplained(diff: Any) -> bool:
    if not isinstance(diff, tuple):
        return True
    kind, item = diff[0], diff[1]
    if kind == "remove_table":
        return item.name in metadata.tables
    return not (kind == "remove_index" and item.name in RAW_SQL_INDEXES)


def test_migrations_build_exactly_the_schema_the_code_declares(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [diff for diff in compare_metadata(context, metadata) if _unexplained(diff)]
    assert diffs == []


def test_migrations_form_one_line_of_history(db: Database) -> None:
    assert len(migrate.head_revisions(db)) == 1


def test_a_fresh_database_is_at_every_head_and_migrate_is_idempotent(db: Database) -> None:
    assert migrate.is_current(db)
    migrate.upgrade(db)
    assert migrate.is_current(db)


def test_the_audit_log_refuses_update_and_delete(db: Database) -> None:
    with db.write("test") as unit:
        unit.audit("test.entry")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.read() as conn:
        assert conn.execute(audit_log.select()).one().actor == "test"


def test_sqlite_runs_with_the_durability_settings(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "secure_delete": 1,
    }


BEFORE_SEALING = "0009_search_table_per_kind"
OLD_LEADS = sa.table(
    "leads",
    sa.column("extraction", sa.JSON),
    *(
        sa.column(name)
        for name in (
            "id", "fingerprint", "source_id", "story_id", "event_type", "subject_name", "country",
            "event_date", "evidence", "candidate_person_id", "candidate_case_id",
            "match_score", "match_reason", "team_id", "status", "created_at",
        )
    ),
)  # fmt: skip
OLD_SOURCES = sa.table(
    "sources",
    *(
        sa.column(name)
        for name in ("id", "title", "text", "content_hash", "story_id", "created_at")
    ),
)
OLD_QUEUE = sa.table(
    "ingest_queue",
    sa.column("payload", sa.JSON),
    *(sa.column(name) for name in ("content_hash", "origin", "status", "created_at")),
)
CLEAR_NAME = "Oleg Volokhonsky"


def _database_before_sealing(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url, generate_keyring())
    migrate.upgrade(db, BEFORE_SEALING)
    return db


def _clear_monitor_rows(db: Database, person_id: str, team_id: str) -> None:
    report = f"{CLEAR_NAME} was refused entry at Belgrade airport."
    with db.engine.begin() as conn:
        conn.execute(OLD_SOURCES.insert().values(
            id="s1", title=f"{CLEAR_NAME} refused entry", text=report, content_hash="h1",
            story_id="s1", created_at=utcnow(),
        ))  # fmt: skip
        conn.execute(OLD_LEADS.insert().values(
            id="l1", fingerprint="f1", source_id="s1", story_id="s1", event_type="entry_ban",
            subject_name=CLEAR_NAME, country="RS", event_date="2024-05-03", evidence=report,
            extraction={"type": "entry_ban", "subject": {"name": CLEAR_NAME}, "country": "RS"},
            candidate_person_id=person_id, candidate_case_id=None, match_score=100,
            match_reason=f"full name '{CLEAR_NAME}' matches a recorded spelling",
            team_id=team_id, status="new", created_at=utcnow(),
        ))  # fmt: skip
        conn.execute(sa.text("INSERT INTO lead_sources (lead_id, source_id) VALUES ('l1', 's1')"))
        conn.execute(OLD_QUEUE.insert().values(
            content_hash="h2", origin="later.txt", payload={"text": report}, status="pending",
            created_at=utcnow(),
        ))  # fmt: skip


def test_upgrading_seals_the_leads_reports_and_queue_stored_in_clear(
    instance_settings: Settings,
) -> None:
    db = _database_before_sealing(instance_settings)
    try:
        person = add_person(
            db,
            Person(pseudonym="Heron", identity=Identity(full_name=CLEAR_NAME), team="nis"),
            "t",
            scope=Scope.everything(),
        )
        with db.read() as conn:
            team_id = conn.execute(sa.select(teams.c.id)).scalar_one()
        _clear_monitor_rows(db, person.id or "", team_id)
        migrate.upgrade(db)
        stored = repr(
            snapshot(db)["leads"] + snapshot(db)["sources"] + snapshot(db)["ingest_queue"]
        )
        assert CLEAR_NAME not in stored and "Volokhonsky" not in stored
        assert repr(snapshot(db)["lead_sources"]) == repr([("l1", "s1")])
        lead = get_lead(db, "l1", scope=Scope.teams(team_id))
        assert (lead.subject_name, lead.candidate_person_id) == (CLEAR_NAME, person.id)
        assert (lead.match_score, lead.match_reason) == (100, "whole_name")
        assert [source.title for source in lead.sources] == [f"{CLEAR_NAME} refused entry"]
        assert count_leads(db, scope=Scope.teams("another-team")) == 0
    finally:
        db.dispose()


def test_upgrading_a_database_holding_leads_without_the_key_is_refused(
    instance_settings: Settings,
) -> None:
    db = _database_before_sealing(instance_settings)
    try:
        person = add_person(
            db,
            Person(pseudonym="Heron", identity=Identity(full_name=CLEAR_NAME)),
            "t",
            scope=Scope.everything(),
        )
        with db.read() as conn:
            team_id = conn.execute(sa.select(teams.c.id)).scalar_one()
        _clear_monitor_rows(db, person.id or "", team_id)
        without_key = Database(instance_settings.database_url)
        with pytest.raises(RuntimeError, match="key file"):
            migrate.upgrade(without_key)
        without_key.dispose()
        assert migrate.current_revisions(db) == {BEFORE_SEALING}
    finally:
        db.dispose()
