"""Leads and reports ingested before migration 0011t get their blind indexes from migration
0012l (`havenwatch.monitor.backfill`): re-matching and search then work for them too, and
nothing is written in clear; on both backends."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from tests.helpers import snapshot
from tests.monitor.ingest_support import write_report
from tests.monitor.test_review import MISREAD, NAMED, SECOND

from havenwatch.access.scope import Scope
from havenwatch.cases.source_words import sources_with_words
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import generate_keyring
from havenwatch.monitor.backfill import Backfilled, backfill_indexes
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import Target, get_lead, list_leads
from havenwatch.monitor.linking import WHOLE_NAME
from havenwatch.monitor.review import accept_reviewed, extracted
from havenwatch.store import migrate
from havenwatch.store.database import Database
from havenwatch.store.schema import lead_name_keys, leads, source_word_keys, sources

BEFORE = "0011t_triage_review"


def _ingested_before_the_indexes(settings: Settings, directory: Path) -> Database:
    """An instance at 0011t whose leads and reports have no index rows, as if ingested
    before it."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url, generate_keyring())
    migrate.upgrade(db, BEFORE)
    write_report(directory, "misread.txt", MISREAD)
    write_report(directory, "second.txt", SECOND)
    # Today's ingest also writes `leads.language` (migration 0013m): the old schema lends it
    # the column for the ingest only.
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE leads ADD COLUMN language VARCHAR(8)"))
    run_ingest(db, [str(directory)], "test")
    with db.engine.begin() as conn:
        conn.execute(lead_name_keys.delete())
        conn.execute(source_word_keys.delete())
        conn.execute(text("ALTER TABLE leads DROP COLUMN language"))
    return db


def _rows(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(lead_name_keys)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(source_word_keys)).scalar_one()),
        )


def test_the_backfill_migration_indexes_old_leads_and_reports_for_rematching_and_search(
    instance_settings: Settings, tmp_path: Path
) -> None:
    db = _ingested_before_the_indexes(instance_settings, tmp_path / "news")
    try:
        assert _rows(db) == (0, 0)
        migrate.upgrade(db)
        assert migrate.is_current(db)
        names, words = _rows(db)
        assert names > 0 and words > 0
        with db.read() as conn:  # 0013m copied each lead's first report's language
            languages = conn.execute(
                select(leads.c.language, sources.c.language).join(
                    sources, sources.c.id == leads.c.source_id
                )
            ).all()
        assert languages and all(mine == theirs == "en" for mine, theirs in languages)
        stored = repr(snapshot(db)).lower()
        assert "zelenk" not in stored and "novi sad" not in stored
        with db.read() as conn:
            found = sources_with_words(conn, db.require_keyring(), "Zelenković")
        assert len(found) == 1
        everyone = Scope.everything()
        found_leads = {lead.event_type: lead for lead in list_leads(db, scope=everyone)}
        first, second = found_leads["entry_ban"], found_leads["residence_revoked"]
        kept = replace(extracted(first), subject_name=NAMED)
        target = Target(None, None, "Wren", "default", everyone)
        accepted = accept_reviewed(db, first.id, "cli:rev", kept, target=target, scope=everyone)
        assert accepted.rematched == 1
        assert get_lead(db, second.id, scope=everyone).match_reason == WHOLE_NAME
        with db.engine.begin() as conn:
            assert backfill_indexes(conn, db.require_keyring()) == Backfilled(0, 0)
    finally:
        db.dispose()


def test_the_backfill_migration_without_the_key_file_is_refused(
    instance_settings: Settings, tmp_path: Path
) -> None:
    db = _ingested_before_the_indexes(instance_settings, tmp_path / "news")
    try:
        without_key = Database(instance_settings.database_url)
        with pytest.raises(RuntimeError, match="key file"):
            migrate.upgrade(without_key)
        without_key.dispose()
        assert migrate.current_revisions(db) == {BEFORE}
    finally:
        db.dispose()
