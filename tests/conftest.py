"""Fixtures shared by the whole suite: real SQLite files and, when configured, real PostgreSQL.

Set HAVENWATCH_TEST_POSTGRES_URL (a role allowed to CREATE DATABASE) to run every `db` test on
PostgreSQL too; each test then gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from havenwatch.core.settings import Settings, resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database, normalise_url
from havenwatch.web.i18n import DEFAULT_LOCALE, activate

POSTGRES_URL = os.environ.get("HAVENWATCH_TEST_POSTGRES_URL")
NO_POSTGRES = "PostgreSQL tests need HAVENWATCH_TEST_POSTGRES_URL (CI sets it)"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _no_inherited_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch an instance configured in the developer's environment."""
    for name in (
        "HAVENWATCH_DATA_DIR",
        "HAVENWATCH_DATABASE_URL",
        "HAVENWATCH_KEY_FILE",
        "HAVENWATCH_DATA_KEY",
        "HAVENWATCH_KEY_PASSPHRASE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _interface_language_reset() -> Iterator[None]:
    """Every test starts and ends in English: a test that activates another language for
    its messages (and fails before switching back) never changes the next test's."""
    activate(DEFAULT_LOCALE)
    yield
    activate(DEFAULT_LOCALE)


@pytest.fixture
def new_postgres_url() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases, all dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create() -> str:
        name = f"hw_test_{secrets.token_hex(6)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return (
            make_url(normalise_url(str(POSTGRES_URL)))
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    yield create
    with admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(new_postgres_url: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    return new_postgres_url()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def instance_settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    """Settings for a new instance in a temporary directory, on SQLite or PostgreSQL."""
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    return resolve_settings(tmp_path / "data", url, tmp_path / "keys" / "data.key")


@pytest.fixture
def db(instance_settings: Settings) -> Iterator[Database]:
    """An initialised, empty instance (schema migrated, key file written)."""
    database = initialise(instance_settings)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return resolve_settings(tmp_path / "data", None, tmp_path / "keys" / "data.key")


@pytest.fixture
def sqlite_db(sqlite_settings: Settings) -> Iterator[Database]:
    database = initialise(sqlite_settings)
    yield database
    database.dispose()
