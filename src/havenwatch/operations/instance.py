"""Opening a havenwatch instance: data directory, key file and database together."""

from __future__ import annotations

import os
from pathlib import Path

from havenwatch.cases import name_index
from havenwatch.core.errors import HavenwatchError
from havenwatch.core.file_modes import create_private_file, make_sqlite_files_private
from havenwatch.core.settings import Settings
from havenwatch.crypto.keys import generate_keyring, load_key_file, write_key_file
from havenwatch.store import migrate
from havenwatch.store.database import Database


class NotInitialised(HavenwatchError):
    """The data directory or database has not been created yet."""


def _private_directory(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def initialise(settings: Settings) -> Database:
    """Create the data directory, the key file (if none) and the schema. Safe to re-run."""
    if settings.key_file.is_relative_to(settings.data_dir):
        raise HavenwatchError("the key file must live outside the data directory")
    _private_directory(settings.data_dir)
    _private_directory(settings.vault_dir)
    if not settings.key_file.exists() and not os.environ.get("HAVENWATCH_DATA_KEY"):
        write_key_file(
            settings.key_file, generate_keyring(), os.environ.get("HAVENWATCH_KEY_PASSPHRASE")
        )
    database_file = sqlite_file(settings)
    if database_file is not None:
        create_private_file(database_file)
    db = Database(settings.database_url, load_key_file(settings.key_file))
    upgrade(db)
    db.check()
    if database_file is not None:
        make_sqlite_files_private(database_file)
    return db


def enclosing_work_tree(path: Path) -> Path | None:
    """The git work tree that `path` would be committed from, if any (a `.git` above it)."""
    for folder in path.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file, or None on PostgreSQL (and for in-memory databases)."""
    if not settings.is_sqlite:
        return None
    path = settings.database_url.removeprefix("sqlite:///")
    return None if not path or path == ":memory:" or path.startswith("file:") else Path(path)


def upgrade(db: Database) -> None:
    """Bring schema and derived data up to date: migrations, then the blind index of names."""
    migrate.upgrade(db)
    with db.read() as conn:
        current = name_index.index_is_current(conn)
    if not current:
        name_index.rebuild_name_index(db)


def open_database(settings: Settings, *, need_keys: bool = True) -> Database:
    """Open an initialised instance; refuse a missing, outdated or damaged one."""
    database_file = sqlite_file(settings)
    if database_file is not None and not database_file.exists():
        raise NotInitialised(f"no database in {settings.data_dir} (run `havenwatch init` first)")
    keyring = load_key_file(settings.key_file) if need_keys else None
    db = Database(settings.database_url, keyring)
    db.check()
    if not migrate.is_current(db):
        raise NotInitialised("the database schema is out of date (run `havenwatch migrate`)")
    with db.read() as conn:
        if not name_index.index_is_current(conn):
            raise NotInitialised("the name index is out of date (run `havenwatch migrate`)")
    if database_file is not None:
        make_sqlite_files_private(database_file)
    return db
