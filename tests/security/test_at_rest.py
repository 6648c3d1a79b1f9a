"""THE at-rest test: identifying data never lies in clear in the database, WAL, dump, vault or logs."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import get_case
from havenwatch.cases.custom_fields import record_values
from havenwatch.cases.events import list_events
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.cases.people import find_people_by_name, get_person
from havenwatch.cases.vault import read_document, store_document
from havenwatch.core.settings import Settings
from havenwatch.monitor.ingest import run_ingest
from havenwatch.monitor.leads import list_leads
from havenwatch.operations.purge import purge_people
from havenwatch.store.database import Database
from havenwatch.store.schema import lead_matches, leads
from tests.media.document_samples import docx_with_text, pdf_with_text
from tests.protection_support import (
    BIRTH_DATE,
    CASE_NOTE,
    CONTACT,
    CUSTOM_CITY,
    CUSTOM_COURT_FILE,
    CUSTOM_DECISION,
    CYRILLIC_NAME,
    DOCUMENT_NAME,
    DOCUMENT_TEXT,
    EVENT_NOTE,
    EXTRACTED_CYRILLIC,
    EXTRACTED_LATIN,
    FULL_NAME,
    PASSPORT,
    PERSON_NOTE,
    add_canary,
    find_needles,
)


def sqlite_files(settings: Settings) -> list[Path]:
    base = Path(settings.database_url.removeprefix("sqlite:///"))
    return [
        Path(f"{base}{suffix}")
        for suffix in ("", "-wal", "-shm")
        if Path(f"{base}{suffix}").exists()
    ]


def postgres_copy_dump(db: Database) -> bytes:
    """`COPY ... TO STDOUT` of every table, as raw bytes."""
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


def pg_dump_output(db: Database) -> bytes:
    if shutil.which("pg_dump") is None:
        return b""
    url = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True).stdout


def at_rest_bytes(db: Database, settings: Settings) -> dict[str, bytes]:
    found = {
        str(path): path.read_bytes()
        for path in sorted(settings.vault_dir.rglob("*"))
        if path.is_file()
    }
    if db.is_sqlite:
        found.update({str(path): path.read_bytes() for path in sqlite_files(settings)})
    else:
        found["COPY"] = postgres_copy_dump(db)
        found["pg_dump"] = pg_dump_output(db)
    return found


NEWS_REPORT = (
    "{name}, a Russian activist known as {other}, was refused entry at Belgrade airport "
    "on 3 May 2024. Her lawyer said the decision gave no reasons."
)


def ingest_news_naming_the_canary(db: Database, directory: Path) -> None:
    """A news report naming the canary, through the real ingest path (queue, extractor)."""
    directory.mkdir(parents=True, exist_ok=True)
    text = NEWS_REPORT.format(name=FULL_NAME, other=CYRILLIC_NAME)
    (directory / "report.txt").write_text(f"Published: 2024-05-04\n{text}\n", encoding="utf-8")
    run_ingest(db, [str(directory)], "tester")


def upload_decisions_with_canary_words(db: Database, settings: Settings, case_id: str) -> None:
    """The decision as a PDF and as a Word file, each with a word found nowhere else."""
    for name, data in (
        ("decision.pdf", pdf_with_text(f"Decision served in {EXTRACTED_LATIN} district")),
        ("decision.docx", docx_with_text(f"Решење уручено у {EXTRACTED_CYRILLIC} округу")),
    ):
        store_document(
            db,
            settings,
            case_id=case_id,
            filename=name,
            data=data,
            actor="tester",
            scope=Scope.everything(),
        )


def found_documents(db: Database, query: str) -> list[str]:
    found = search_everything(db, Scope.everything(), query, rights=SearchRights.everything())
    return [hit.filename for hit in found["documents"]]


def test_identifying_data_is_nowhere_in_clear_but_the_app_still_shows_it(
    db: Database,
    instance_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    try:
        canary = add_canary(db, instance_settings)
        ingest_news_naming_the_canary(db, tmp_path / "news")
        upload_decisions_with_canary_words(db, instance_settings, canary.case_id)
        (lead,) = list_leads(db, scope=Scope.everything())
        person = get_person(
            db, canary.person_id, actor="tester", with_identity=True, scope=Scope.everything()
        )
        case = get_case(db, canary.case_id, with_notes=True, actor="test", scope=Scope.everything())
        events = list_events(
            db, canary.case_id, with_notes=True, actor="test", scope=Scope.everything()
        )
        document, content = read_document(
            db, instance_settings, canary.document.id, "tester", scope=Scope.everything()
        )
        found_by_latin = find_people_by_name(
            db, "Zlatoslava Quennington-Vrbikova", scope=Scope.everything()
        )
        custom = [
            item.value
            for kind, record_id in (
                ("person", canary.person_id),
                ("case", canary.case_id),
                ("event", canary.event_id),
            )
            for item in record_values(
                db, kind, record_id, scope=Scope.everything(), reader="tester"
            )
        ]
        # Each file found by its word written in the other script.
        pdf_found = found_documents(db, "Кверниградско")
        docx_found = found_documents(db, "Verbikoradsko")
        raw = at_rest_bytes(db, instance_settings)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    captured = capfd.readouterr()

    assert person.identity.full_name == FULL_NAME
    assert person.identity.other_names == [CYRILLIC_NAME]
    assert person.identity.date_of_birth == BIRTH_DATE
    assert person.identity.contact == CONTACT
    assert person.identity.document_numbers == [PASSPORT]
    assert person.identity.notes == PERSON_NOTE
    assert case.notes == CASE_NOTE
    assert [event.notes for event in events] == [EVENT_NOTE]
    assert (document.filename, content) == (DOCUMENT_NAME, DOCUMENT_TEXT.encode())
    assert found_by_latin == [canary.person_id]
    assert custom == [CUSTOM_CITY, CUSTOM_DECISION, CUSTOM_COURT_FILE]
    assert (pdf_found, docx_found) == (["decision.pdf"], ["decision.docx"])
    assert lead.subject_name in {FULL_NAME, CYRILLIC_NAME}
    assert lead.candidate_person_id == canary.person_id

    assert any(len(blob) > 0 for blob in raw.values())
    leaks = {name: find_needles(blob) for name, blob in raw.items() if find_needles(blob)}
    assert leaks == {}
    logs = (caplog.text + captured.out + captured.err).encode()
    assert "INSERT INTO people" in caplog.text
    assert find_needles(logs) == []


def test_database_still_holds_no_clear_text_after_engine_closes_and_checkpoints(
    sqlite_db: Database, sqlite_settings: Settings
) -> None:
    add_canary(sqlite_db, sqlite_settings)
    with sqlite_db.write("tester") as unit:
        unit.conn.execute(text("SELECT 1"))
    sqlite_db.dispose()
    blobs = [path.read_bytes() for path in sqlite_files(sqlite_settings)]
    assert blobs and all(find_needles(blob) == [] for blob in blobs)


def test_after_purge_no_lead_mentions_the_person_sealed_or_not(
    db: Database, instance_settings: Settings, tmp_path: Path
) -> None:
    canary = add_canary(db, instance_settings)
    ingest_news_naming_the_canary(db, tmp_path / "news")
    with db.read() as conn:
        sealed_before = [bytes(row.sealed) for row in conn.execute(select(leads))]
    assert len(sealed_before) == 1
    purge_people(db, instance_settings, [canary.person_id], "admin")
    assert list_leads(db, scope=Scope.everything()) == []
    with db.read() as conn:
        assert conn.execute(select(leads)).all() == []
        assert conn.execute(select(lead_matches)).all() == []
    leaks = {
        name: find_needles(blob) for name, blob in at_rest_bytes(db, instance_settings).items()
    }
    assert {name: found for name, found in leaks.items() if found} == {}
    if db.is_sqlite:
        files = b"".join(path.read_bytes() for path in sqlite_files(instance_settings))
        assert all(blob not in files for blob in sealed_before)
