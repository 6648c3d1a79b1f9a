"""Sealed sources are found by a word through a keyed blind index; no word lies in clear."""

from __future__ import annotations

from pathlib import Path

from havenwatch.access.scope import Scope
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.core.settings import Settings
from havenwatch.monitor.ingest import run_ingest
from havenwatch.operations.instance import open_database
from havenwatch.operations.rotation import rotate_keys
from havenwatch.store.database import Database

CANARY_WORD = "Zvornikovac"
REPORT = (
    "Andrei Nikitin, a Russian journalist, was refused entry at Belgrade airport on 3 May "
    f"2024 on his way to the village of {CANARY_WORD}. His lawyer said no reasons were given."
)
EVERYTHING = (Scope.everything(), SearchRights.everything())
NO_NAMES = (
    Scope.teams("team-x"),
    SearchRights(sources=True, real_names=False, linked_sources=False),
)


def _ingest(db: Database, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.txt").write_text(
        f"Published: 2024-05-04\nJournalist turned back at the airport\n{REPORT}\n",
        encoding="utf-8",
    )
    run_ingest(db, [str(directory)], "test")


def _found(
    db: Database, query: str, who: tuple[Scope, SearchRights] = EVERYTHING
) -> list[str | None]:
    scope, rights = who
    return [row.title for row in search_everything(db, scope, query, rights=rights)["sources"]]


def test_an_ingested_report_is_found_by_a_word_of_its_text_in_either_script(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, tmp_path)
    assert _found(db, "Nikitin") == ["Journalist turned back at the airport"]
    assert _found(db, "Никитин") == ["Journalist turned back at the airport"]
    assert _found(db, "nikitin airport") == ["Journalist turned back at the airport"]
    assert _found(db, "Nikitin Budapest") == []
    assert _found(db, "Nikitin", NO_NAMES) == ["Journalist turned back at the airport"]


def _stored_bytes(db: Database, settings: Settings) -> bytes:
    if db.is_sqlite:
        base = settings.database_url.removeprefix("sqlite:///")
        paths = [Path(base + suffix) for suffix in ("", "-wal", "-shm")]
        return b"".join(path.read_bytes() for path in paths if path.exists())
    chunks: list[bytes] = []
    raw = db.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                chunks.extend(bytes(block) for block in copy)
    finally:
        raw.close()
    return b"".join(chunks)


def test_no_word_of_a_sealed_report_is_stored_in_clear_although_search_finds_it(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _ingest(db, tmp_path)
    assert _found(db, CANARY_WORD) == ["Journalist turned back at the airport"]
    stored = _stored_bytes(db, instance_settings).lower()
    for needle in (CANARY_WORD, "zvornikovac", "Зворниковац", "nikitin", "journalist"):
        for encoded in (needle.lower().encode(), needle.lower().encode("utf-16-le")):
            assert encoded not in stored, needle


def test_search_still_finds_a_sealed_report_after_the_keys_are_rotated(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    _ingest(db, tmp_path)
    rotate_keys(db, instance_settings.key_file, "admin")
    fresh = open_database(instance_settings)
    try:
        assert _found(fresh, "Nikitin") == ["Journalist turned back at the airport"]
    finally:
        fresh.dispose()
