"""A document is found by a word inside it, in Cyrillic or Latin, by those who may see it; its
text is sealed and its words are only keyed hashes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.document_reindex import index_unread_documents
from havenwatch.cases.document_words import TEXT_VERSION, text_label
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.cases.vault import store_document
from havenwatch.core.settings import Settings
from havenwatch.crypto.padding import unpad
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, document_word_keys, documents, people
from tests.media.document_samples import docx_with_text, pdf_with_text
from tests.protection_support import add_plain_person

PDF_TEXT = ("Resenje o prestanku boravka stranca", "Kikinda, broj 26-4471/25")
DOCX_TEXT = ("Решење о престанку боравка", "Сомбор, жалба Управном суду")
EVERYTHING = SearchRights.everything()
EVERY_TEAM = Scope.everything()


def _store(db: Database, settings: Settings, case_id: str, name: str, data: bytes) -> str:
    document = store_document(
        db,
        settings,
        case_id=case_id,
        filename=name,
        data=data,
        actor="tester",
        scope=Scope.everything(),
    )
    return document.id


def _found(
    db: Database, query: str, scope: Scope = EVERY_TEAM, rights: SearchRights = EVERYTHING
) -> list[str]:
    return [hit.filename for hit in search_everything(db, scope, query, rights=rights)["documents"]]


@pytest.fixture
def decisions(db: Database, instance_settings: Settings) -> str:
    """A case with the decision as a PDF (Latin) and as a Word file (Cyrillic); its team id."""
    _, case_id = add_plain_person(db, "Marija Jovanovic")
    _store(db, instance_settings, case_id, "resenje.pdf", pdf_with_text(*PDF_TEXT))
    _store(db, instance_settings, case_id, "решење.docx", docx_with_text(*DOCX_TEXT))
    with db.read() as conn:
        return str(conn.execute(select(cases.c.team_id)).scalar_one())


def test_a_document_is_found_by_a_word_inside_in_either_script(
    db: Database, decisions: str
) -> None:
    assert _found(db, "Кикинда") == ["resenje.pdf"]
    assert _found(db, "kikinda") == ["resenje.pdf"]
    assert _found(db, "Sombor") == ["решење.docx"]
    assert sorted(_found(db, "престанку")) == ["resenje.pdf", "решење.docx"]
    assert sorted(_found(db, "prestanku boravka")) == ["resenje.pdf", "решење.docx"]
    assert _found(db, "prestanku Sombor") == ["решење.docx"]
    assert _found(db, "4471") == ["resenje.pdf"]
    assert _found(db, "Subotica") == []


def test_team_scope_and_rights_fail_closed(db: Database, decisions: str) -> None:
    assert _found(db, "Kikinda", Scope.teams(decisions)) == ["resenje.pdf"]
    assert _found(db, "Kikinda", Scope.teams("another-team")) == []
    assert _found(db, "Kikinda", Scope.teams()) == []
    no_documents = SearchRights(sources=True, real_names=True, linked_sources=True)
    assert _found(db, "Kikinda", rights=no_documents) == []


def test_the_text_is_sealed_and_the_words_are_keyed_hashes(
    db: Database, decisions: str, instance_settings: Settings
) -> None:
    keyring = db.require_keyring()
    with db.read() as conn:
        rows = conn.execute(
            select(documents, people.c.wrapped_key, cases.c.person_id)
            .join(cases, cases.c.id == documents.c.case_id)
            .join(people, people.c.id == cases.c.person_id)
        ).all()
        keys = list(conn.execute(select(document_word_keys.c.word_key)).scalars())
    texts = []
    for row in rows:
        assert row.text_version == TEXT_VERSION
        assert b"Kikinda" not in row.content_text and "Сомбор".encode() not in row.content_text
        key = PersonKey(keyring, row.wrapped_key, row.person_id)
        texts.append(unpad(key.open_bytes(row.content_text, text_label(row.id))).decode())
    assert any("Kikinda" in text for text in texts) and any("Сомбор" in text for text in texts)
    assert keys and all(len(key) == 32 and key.isalnum() for key in keys)
    assert not {"kikind", "sombor", "prestank", "#4471"} & set(keys)


def test_documents_stored_before_words_were_read_are_indexed_by_the_backfill(
    db: Database, decisions: str, instance_settings: Settings, tmp_path: Path
) -> None:
    with db.write("tester") as unit:
        unit.conn.execute(document_word_keys.delete())
        unit.conn.execute(documents.update().values(content_text=None, text_version=None))
    assert _found(db, "Kikinda") == []
    report = index_unread_documents(db, instance_settings)
    assert (report.documents, report.unreadable) == (2, 0) and report.words > 10
    assert _found(db, "Кикинда") == ["resenje.pdf"]
    assert _found(db, "Sombor") == ["решење.docx"]
    assert index_unread_documents(db, instance_settings).documents == 0
