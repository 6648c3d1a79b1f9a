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
