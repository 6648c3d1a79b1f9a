"""`havenwatch serve --workers N`: every worker process builds the app of the same instance."""

from __future__ import annotations

import pytest

from havenwatch.commands.app import export_settings
from havenwatch.settings import Settings
from havenwatch.store.database import Database
from havenwatch.web.app import app_from_environment

INSTANCE_VARIABLES = ("HAVENWATCH_DATA_DIR", "HAVENWATCH_DATABASE_URL", "HAVENWATCH_KEY_FILE")


def test_each_worker_builds_the_app_of_the_instance_serve_was_given(
    sqlite_db: Database, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in INSTANCE_VARIABLES:
        monkeypatch.setenv(name, "elsewhere")
    export_settings(sqlite_settings)
    app = app_from_environment()
    try:
        assert app.state.settings == sqlite_settings
    finally:
        app.state.db.dispose()
