"""Helpers for the ingest tests: report files, a known person, the CLI in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Table, func, select

from havenwatch.access.scope import Scope
from havenwatch.cases.people import add_person
from havenwatch.core.model import Identity, Person
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database

REFUSED_AT_AIRPORT = (
    "{name}, a Russian activist, was refused entry at Belgrade airport on 3 May 2024. "
    "He had lived in Novi Sad since 2022 and taught programming to refugees. "
    "Friends said he organised weekly anti-war readings in a bookshop near the river. "
    "His lawyer said the decision gave no reasons beyond a reference to a security report."
)


def write_report(directory: Path, name: str, text: str, published: str = "2024-05-04") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"Published: {published}\n{text}\n", encoding="utf-8")
    return path


def add_volokhonsky(db: Database, team: str = "default") -> str:
    person = Person(
        pseudonym="Heron",
        identity=Identity(full_name="Oleg Volokhonsky", other_names=["Олег Волохонский"]),
        nationality="RU",
        team=team,
    )
    added = add_person(db, person, "test", scope=Scope.everything())
    assert added.id is not None
    return added.id


def cli_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HAVENWATCH_DATA_DIR=str(settings.data_dir),
        HAVENWATCH_DATABASE_URL=settings.database_url,
        HAVENWATCH_KEY_FILE=str(settings.key_file),
        COLUMNS="200",
    )
    return env


def havenwatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "havenwatch", *args]


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        havenwatch_command(*args), env=cli_env(settings), capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


def count(db: Database, table: Table) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
