"""Small helpers shared by tests."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from havenwatch.store.database import Database
from havenwatch.store.schema import metadata


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: equal snapshots mean an unchanged database."""
    result = {}
    with db.read() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def report(request: pytest.FixtureRequest, line: str) -> None:
    """Print a line in the test run's output even when output is captured (fuzz case counts)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


def add_lead(
    db: Database,
    source_id: str,
    evidence: str,
    *,
    subject: str | None = None,
    person_id: str | None = None,
    event_type: str = "expulsion_order",
    status: str = "new",
    event_id: str | None = None,
) -> str:
    """A lead stored the way ingest stores it (sealed, matched by name), optionally also
    matched to `person_id` (and so visible to that person's team)."""
    from havenwatch.core.ids import new_id
    from havenwatch.monitor.linking import Candidate
    from havenwatch.monitor.record import add_match, insert_lead
    from havenwatch.store.monitor_key import ensure_monitor_key
    from havenwatch.store.schema import leads, people

    keyring = db.require_keyring()
    event = {
        "type": event_type,
        "subject": {"name": subject} if subject else {},
        "country": "RS",
        "date": "2026-11-01",
        "evidence": evidence,
    }
    with db.write("test") as unit:
        key = ensure_monitor_key(unit.conn, keyring)
        lead_id = insert_lead(unit, keyring, event, new_id(), source_id, None)
        if person_id is not None:
            team_id = unit.conn.execute(
                select(people.c.team_id).where(people.c.id == person_id)
            ).scalar_one()
            add_match(unit, key, lead_id, Candidate(person_id, team_id, None, 100, "whole_name"))
        if status != "new" or event_id is not None:
            unit.conn.execute(
                leads.update().where(leads.c.id == lead_id).values(status=status, event_id=event_id)
            )
    return lead_id
