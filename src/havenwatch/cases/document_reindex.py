"""Reading the words of documents stored before their text was read (or under older rules).

`havenwatch vault index-words` (also run by `havenwatch migrate`) opens, batch by batch, every
document whose `text_version` is missing or older than `document_words.TEXT_VERSION`: its
vault file is decrypted and checked against its recorded hash, its text read, sealed and
indexed as an upload's would be. A file that is missing or damaged is counted and left as it
is (`havenwatch vault check` names it); documents of purged people have nothing to read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select

from havenwatch.cases.document_words import TEXT_VERSION, index_document_text
from havenwatch.cases.vault import VaultError, open_document
from havenwatch.core.settings import Settings
from havenwatch.crypto.sealing import PersonKey
from havenwatch.media.filetypes import UploadRefused, sniff
from havenwatch.media.text_extract import extract_text
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, documents, people

BATCH = 50


@dataclass
class IndexedWords:
    """What `index_unread_documents` did."""

    documents: int = 0
    words: int = 0
    unreadable: int = 0


def index_unread_documents(
    db: Database, settings: Settings, *, progress: Callable[[int], None] | None = None
) -> IndexedWords:
    """Read and index every document not yet read by the current rules; returns the counts."""
    keyring = db.require_keyring()
    report, last_id = IndexedWords(), ""
    while True:
        with db.write("system:document-words") as unit:
            rows = unit.conn.execute(
                select(documents, cases.c.person_id, people.c.wrapped_key)
                .join(cases, cases.c.id == documents.c.case_id)
                .join(people, people.c.id == cases.c.person_id)
                .where(
                    documents.c.id > last_id,
                    or_(
                        documents.c.text_version.is_(None),
                        documents.c.text_version < TEXT_VERSION,
                    ),
                )
                .order_by(documents.c.id)
                .limit(BATCH)
            ).all()
            for row in rows:
                key = PersonKey(keyring, row.wrapped_key, row.person_id)
                try:
                    _, content = open_document(settings, row, key)
                    text = extract_text(content, sniff(content))
                except (VaultError, UploadRefused):
                    report.unreadable += 1
                    continue
                report.words += index_document_text(unit.conn, keyring, key, row.id, text)
                report.documents += 1
            if not rows:
                if report.documents:
                    unit.audit("document.index_words", detail={"documents": report.documents})
                return report
        last_id = rows[-1].id
        if progress:
            progress(len(rows))
