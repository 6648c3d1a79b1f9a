"""Documents stored before their words were read are read by `havenwatch migrate` and
`havenwatch vault index-words`, then found by a word inside them."""

from __future__ import annotations

from click.testing import CliRunner

from havenwatch.access.scope import Scope
from havenwatch.cases.finder import SearchRights, search_everything
from havenwatch.cases.vault import store_document
from havenwatch.cli import cli
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import document_word_keys, documents
from tests.media.document_samples import pdf_with_text
from tests.protection_support import add_plain_person


def test_migrate_reads_the_words_of_documents_stored_before_and_index_words_finds_none_left(
    db: Database, instance_settings: Settings
) -> None:
    _, case_id = add_plain_person(db, "Marija Jovanovic")
    for name in ("a.pdf", "b.pdf"):
        store_document(
            db,
            instance_settings,
            case_id=case_id,
            filename=name,
            data=pdf_with_text(f"Resenje {name[0]} Zrenjanin"),
            actor="tester",
            scope=Scope.everything(),
        )
    with db.write("tester") as unit:  # as the rows stood before migration 0012f
        unit.conn.execute(document_word_keys.delete())
        unit.conn.execute(documents.update().values(content_text=None, text_version=None))
    base = [
        "--data-dir",
        str(instance_settings.data_dir),
        "--database-url",
        instance_settings.database_url,
        "--key-file",
        str(instance_settings.key_file),
    ]
    migrated = CliRunner().invoke(cli, [*base, "migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert "Words of 2 documents indexed" in migrated.output
    found = search_everything(db, Scope.everything(), "Зрењанин", rights=SearchRights.everything())
    assert sorted(hit.filename for hit in found["documents"]) == ["a.pdf", "b.pdf"]
    again = CliRunner().invoke(cli, [*base, "vault", "index-words"])
    assert again.exit_code == 0 and "Words of 0 documents indexed" in again.output
