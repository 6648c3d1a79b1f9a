from __future__ import annotations

from pathlib import Path

import pytest

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import generate
from havenwatch.cases.interchange import (
    InterchangeError,
    dump_document,
    export_document,
    import_document,
    load_document,
)
from havenwatch.core.settings import resolve_settings
from havenwatch.operations.instance import initialise
from havenwatch.store.database import Database
from tests.helpers import snapshot


def test_export_import_export_is_byte_identical(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    load_files(db, generate(25, seed=7), "test")
    first = dump_document(export_document(db, "test"))
    url = request.getfixturevalue("new_postgres_url")() if db.is_postgres else None
    other = initialise(resolve_settings(tmp_path / "other", url, tmp_path / "other-keys" / "k.key"))
    (tmp_path / "export.json").write_text(first, encoding="utf-8")
    import_document(other, load_document(tmp_path / "export.json"), "test")
    assert dump_document(export_document(other, "test")) == first
    other.dispose()


def test_reimporting_the_same_export_creates_nothing_new(
    sqlite_db: Database, tmp_path: Path
) -> None:
    load_files(sqlite_db, generate(5, seed=3), "test")
    document = export_document(sqlite_db, "test")
    counts = import_document(sqlite_db, document, "test")
    assert counts == {"people": 0, "cases": 0, "events": 0, "sources": 0, "users": 0, "values": 0}


def test_export_contains_identity_for_the_authorised_operator(sqlite_db: Database) -> None:
    load_files(sqlite_db, generate(3, seed=1), "test")
    document = export_document(sqlite_db, "test")
    assert all(person["identity"]["full_name"] for person in document["people"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "havenwatch-export/1", "people": [', "not valid JSON (line 1"),
        (b'{"format": "something-else"}', "not a havenwatch export"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
    ],
)
def test_malformed_json_is_refused_with_the_file_named(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(InterchangeError) as error:
        load_document(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_a_bad_record_aborts_the_whole_import(db: Database) -> None:
    load_files(db, generate(3, seed=2), "test")
    document = export_document(db, "test")
    before = snapshot(db)
    document["people"].append({"id": "f" * 32, "pseudonym": "New", "nationality": "Russia"})
    document["events"].append(
        {"id": "e" * 32, "case_id": document["cases"][0]["id"], "type": "abduction"}
    )
    with pytest.raises(InterchangeError, match=r"people\[3\] field nationality"):
        import_document(db, document, "test", origin="x.json")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("section", "field", "value", "message"),
    [
        ("people", "birth_year", "1990", r"people\[0\] field birth_year: Input should be a valid"),
        ("people", "identity", {"full_name": 7}, r"people\[0\] field identity\.full_name: "),
        ("cases", "title", "x" * 301, r"cases\[0\] field title: .*at most 300 characters"),
        ("events", "served_on", "16.09.2024", r"events\[0\] field served_on: "),
        ("events", "deadline_days", True, r"events\[0\] field deadline_days: "),
        ("sources", "text", "a\x00b", r"sources\[0\] field text: .*NUL"),
    ],
)
def test_a_record_of_the_wrong_shape_is_refused_naming_file_record_and_field(
    sqlite_db: Database, section: str, field: str, value: object, message: str
) -> None:
    load_files(sqlite_db, generate(1, seed=4), "test")
    document = export_document(sqlite_db, "test")
    first = document[section][0] if document[section] else {}
    document[section][:1] = [{**first, "id": "f" * 32, field: value}]
    before = snapshot(sqlite_db)
    with pytest.raises(InterchangeError, match=rf"^x\.json: {message}") as refused:
        import_document(sqlite_db, document, "test", origin="x.json")
    assert "\n" not in str(refused.value)
    assert snapshot(sqlite_db) == before
