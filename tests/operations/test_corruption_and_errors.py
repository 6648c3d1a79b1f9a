"""A damaged database is refused, never repaired; errors never show locals or tracebacks."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from havenwatch.core.settings import Settings
from havenwatch.operations.instance import open_database
from havenwatch.store.database import Database, DatabaseUnavailable
from tests.protection_support import add_plain_person

SENTINEL = "SENTINEL-SECRET-Zq81-Волохонский"


def database_file(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def corrupt_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(b"\xa5" * 4096)


@pytest.fixture
def corrupted(sqlite_db: Database, sqlite_settings: Settings) -> Path:
    for number in range(200):
        add_plain_person(sqlite_db, f"Person {number}")
    sqlite_db.dispose()
    path = database_file(sqlite_settings)
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    corrupt_middle(path)
    return path


def test_open_database_refuses_a_corrupted_file_and_leaves_it_as_it_is(
    corrupted: Path, sqlite_settings: Settings
) -> None:
    before = hashlib.sha256(corrupted.read_bytes()).hexdigest()
    with pytest.raises(DatabaseUnavailable, match=r"damaged|malformed"):
        open_database(sqlite_settings)
    assert hashlib.sha256(corrupted.read_bytes()).hexdigest() == before


def havenwatch_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "havenwatch",
        "--data-dir",
        str(settings.data_dir),
        "--key-file",
        str(settings.key_file),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_serve_refuses_a_corrupted_database_with_one_clear_line(
    corrupted: Path, sqlite_settings: Settings
) -> None:
    before = hashlib.sha256(corrupted.read_bytes()).hexdigest()
    result = havenwatch_cli(sqlite_settings, "serve", "--port", "18731")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("havenwatch: error:")
    assert "damaged" in lines[0] or "malformed" in lines[0]
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(corrupted.read_bytes()).hexdigest() == before


RAISING_SCRIPT = f"""
import click
from havenwatch.cli import HavenwatchGroup

@click.group(cls=HavenwatchGroup)
def root():
    pass

@root.command()
def explode():
    secret_in_scope = {SENTINEL!r}
    details = {{"name": secret_in_scope}}
    raise RuntimeError("something went wrong while saving")

root(["explode"], prog_name="havenwatch")
"""


def test_an_unexpected_error_shows_no_traceback_and_no_local_variables() -> None:
    result = subprocess.run(
        [sys.executable, "-c", RAISING_SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert SENTINEL not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == "havenwatch: error: something went wrong while saving"


def test_a_damaged_archive_given_to_restore_gives_one_line(
    tmp_path: Path, sqlite_settings: Settings, sqlite_db: Database
) -> None:
    archive = tmp_path / "junk.hwb"
    archive.write_bytes(b"HAVENWATCH-BACKUP/1\n" + SENTINEL.encode())
    result = havenwatch_cli(sqlite_settings, "restore", str(archive))
    assert result.returncode == 1
    assert SENTINEL not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
