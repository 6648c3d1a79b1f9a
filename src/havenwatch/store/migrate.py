"""Schema migrations with Alembic, on whichever database the settings name."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from havenwatch.store.database import Database


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("havenwatch.store") / "migrations")
    )
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "heads") -> None:
    config = alembic_config(db)
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        config.attributes["keyring"] = db.keyring  # for migrations that seal stored values
        command.upgrade(config, revision)


def current_revisions(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions(db: Database) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(db)).get_heads())


def is_current(db: Database) -> bool:
    return current_revisions(db) == head_revisions(db)
