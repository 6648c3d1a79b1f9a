"""Every file havenwatch creates is its owner's alone (0600), every directory 0700.

The commands run as a user would run them, in a child process started under the common umask
022: the database and its journal files, the key file, the verified audit length, exports,
backups and vault files must still come out private.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from havenwatch.cases.vault import write_vault_file
from havenwatch.core.settings import Settings
from havenwatch.operations.audit_verified import verified_length_file
from havenwatch.operations.instance import initialise, open_database


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """This process under the umask most systems give users (and back afterwards)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _havenwatch(settings: Settings, *args: str, stdin: str = "") -> None:
    command = [
        "sh",
        "-c",
        'umask 022 && exec "$@"',
        "havenwatch",
        sys.executable,
        "-m",
        "havenwatch",
        "--data-dir",
        str(settings.data_dir),
        "--database-url",
        settings.database_url,
        "--key-file",
        str(settings.key_file),
        *args,
    ]
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _modes(root: Path) -> dict[str, int]:
    return {
        str(path.relative_to(root.parent)): stat.S_IMODE(path.stat().st_mode)
        for path in [root, *root.rglob("*")]
    }


def _not_private(modes: dict[str, int], root: Path) -> dict[str, str]:
    wrong = {}
    for name, mode in modes.items():
        wanted = 0o700 if (root.parent / name).is_dir() else 0o600
        if mode != wanted:
            wrong[name] = f"{mode:o}"
    return wrong


def test_files_created_by_the_command_line_are_owner_only(
    instance_settings: Settings, tmp_path: Path
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o700)
    _havenwatch(instance_settings, "init")
    _havenwatch(instance_settings, "person", "add", "--pseudonym", "Lark", "--full-name", "A B")
    _havenwatch(instance_settings, "audit", "verify")
    _havenwatch(instance_settings, "export", "--output", str(exports / "full.json"))
    _havenwatch(instance_settings, "export-anonymised", "--output", str(exports / "anon.csv"))
    _havenwatch(instance_settings, "release", "publish")
    _havenwatch(
        instance_settings, "backup", "--passphrase-stdin", str(exports / "backup.hwb"), stdin="pw\n"
    )

    private = {
        "data directory": _not_private(
            _modes(instance_settings.data_dir), instance_settings.data_dir
        ),
        "exports": _not_private(_modes(exports), exports),
    }
    for path in (instance_settings.key_file, verified_length_file(instance_settings.key_file)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert private == {"data directory": {}, "exports": {}}
    if instance_settings.is_sqlite:
        assert (instance_settings.data_dir / "havenwatch.db").exists()


def test_a_new_sqlite_database_and_its_journal_files_are_owner_only_under_any_umask(
    sqlite_settings: Settings, usual_umask: None
) -> None:
    db = initialise(sqlite_settings)
    try:
        with db.write("test") as unit:
            unit.audit("test.change")
        with db.read():
            database = sqlite_settings.data_dir / "havenwatch.db"
            files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
            assert all(path.exists() for path in files)
            assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in files} == {
                path.name: 0o600 for path in files
            }
        assert stat.S_IMODE(sqlite_settings.data_dir.stat().st_mode) == 0o700
    finally:
        db.dispose()


def test_vault_files_are_owner_only_under_any_umask(tmp_path: Path, usual_umask: None) -> None:
    path = write_vault_file(tmp_path / "vault", "abc", b"sealed bytes")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_database_left_readable_by_an_older_version_is_made_private_when_opened(
    sqlite_settings: Settings, usual_umask: None
) -> None:
    initialise(sqlite_settings).dispose()
    database = sqlite_settings.data_dir / "havenwatch.db"
    os.chmod(database, 0o644)

    open_database(sqlite_settings).dispose()

    assert stat.S_IMODE(database.stat().st_mode) == 0o600
