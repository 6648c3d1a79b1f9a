"""Finding a document by a word inside it, with no word of it stored in clear.

The text read from an uploaded file (`havenwatch.media.text_extract`) is padded and sealed
with the data key of the case's person (`documents.content_text`), so a purge shreds it with
the file. Its words are folded like names (`havenwatch.core.names`: case, diacritics, a
Slavic ending, and Cyrillic transliterated, so "престанку" and "prestanku" meet), and each
distinct one is hashed with the instance's blind-index key in a domain of its own
(`Keyring.blind_index`, never equal to a name's key); numbers of three or more digits (a
decision's number) are kept as they are written. `document_word_keys` holds those hashes.

A search folds and hashes its words the same way; a document matches when it holds every
word, and only documents of cases the caller's scope may see are looked up (an empty scope
finds nothing). A reader of the table without the key file learns which documents share an
(unknown) word and how many distinct words a document has, never the words (docs/security.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, Select, bindparam, func, select

from havenwatch.access.scope import Scope
from havenwatch.access.visibility import document_visibility
from havenwatch.cases.search import found_by_arms, positioned, union_of
from havenwatch.core.names import name_stems
from havenwatch.crypto.keys import Keyring
from havenwatch.crypto.padding import pad
from havenwatch.crypto.sealing import PersonKey
from havenwatch.store.schema import cases, document_word_keys, documents, people

DOMAIN = "document-word|"
# Raised when the reading or folding rules change: `havenwatch vault index-words` re-reads
# every document indexed under an older version.
TEXT_VERSION = 1
MIN_LENGTH = 2
MAX_WORDS = 20_000
MAX_QUERY_WORDS = 8
LETTERS = re.compile(r"[^\W\d_]+")
NUMBER = re.compile(r"\d{3,}")


def text_label(document_id: str) -> str:
    return f"documents|content_text|{document_id}"


def folded_words(text: str) -> list[str]:
    """The distinct folded words of a text, in the order they first appear."""
    words: dict[str, None] = {}
    for token in dict.fromkeys(LETTERS.findall(text)):
        for stem in name_stems(token):
            if len(stem) >= MIN_LENGTH:
                words.setdefault(stem)
    for number in NUMBER.findall(text):
        words.setdefault("#" + number)
    return list(words)


def word_keys(keyring: Keyring, words: Iterable[str]) -> set[str]:
    return {keyring.blind_index(DOMAIN + word) for word in words}


def index_document_text(
    conn: Connection, keyring: Keyring, key: PersonKey, document_id: str, text: str
) -> int:
    """Seal a document's text and replace its word keys; returns how many distinct words."""
    sealed = key.seal_bytes(pad(text.encode()), text_label(document_id))
    conn.execute(
        documents.update()
        .where(documents.c.id == document_id)
        .values(content_text=sealed, text_version=TEXT_VERSION)
    )
    conn.execute(document_word_keys.delete().where(document_word_keys.c.document_id == document_id))
    keys = word_keys(keyring, folded_words(text)[:MAX_WORDS])
    if keys:
        conn.execute(
            document_word_keys.insert(),
            [{"word_key": k, "document_id": document_id} for k in sorted(keys)],
        )
    return len(keys)


@dataclass(frozen=True)
class DocumentHit:
    """A document found by a word: its name opened with its person's key, and its case."""

    id: str
    case_id: str
    filename: str
    case_title: str | None
    document_type: str | None


KEYS = "document_word_keys"
KEY_COUNT = "document_word_count"


def document_word_parameters(keyring: Keyring, query: str) -> dict[str, Any]:
    """The parameters of `documents_arm` for a query: its words' keys (none: no words)."""
    keys = sorted(word_keys(keyring, folded_words(query)[:MAX_QUERY_WORDS]))
    return {KEYS: keys, KEY_COUNT: len(keys)} if keys else {}


def documents_arm(scope: Scope, limit: int) -> Select[Any]:
    """Documents the scope may see holding every key of `:document_word_keys`, newest first,
    as a `positioned` arm labelled "document" (the statement is the same for every query)."""
    holding = (
        select(document_word_keys.c.document_id)
        .where(document_word_keys.c.word_key.in_(bindparam(KEYS, expanding=True)))
        .group_by(document_word_keys.c.document_id)
        .having(func.count() == bindparam(KEY_COUNT, type_=Integer))
        .subquery()
    )
    ranked = (
        select(documents.c.id.label("id"), documents.c.created_at.label("created_at"))
        .join(holding, holding.c.document_id == documents.c.id)
        .where(document_visibility(scope))
        .order_by(documents.c.created_at.desc(), documents.c.id.desc())
        .limit(limit)
        .subquery("ranked_document")
    )
    return positioned("document", ranked, ranked.c.created_at.desc(), ranked.c.id.desc())


def documents_with_words(
    conn: Connection, keyring: Keyring, query: str, *, scope: Scope, limit: int = 20
) -> list[str]:
    """Ids of the documents the scope may see that hold every word of the query, newest first."""
    parameters = document_word_parameters(keyring, query)
    if not parameters:
        return []
    statement = union_of([documents_arm(scope, limit)])
    return found_by_arms(conn, statement, parameters, ["document"])["document"]


def document_hits(conn: Connection, keyring: Keyring, ids: list[str]) -> list[DocumentHit]:
    """The found documents, in the order given, with their sealed names opened."""
    if not ids:
        return []
    rows = conn.execute(
        select(
            documents.c.id,
            documents.c.case_id,
            documents.c.filename,
            documents.c.document_type,
            cases.c.title,
            cases.c.person_id,
            people.c.wrapped_key,
        )
        .join(cases, cases.c.id == documents.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
        .where(documents.c.id.in_(ids))
    ).all()
    found = {row.id: row for row in rows}
    hits = []
    for document_id in ids:
        row = found.get(document_id)
        if row is None or row.wrapped_key is None:
            continue
        key = PersonKey(keyring, row.wrapped_key, row.person_id)
        name = key.open_text(row.filename, "documents", "filename", row.id) or "document"
        hits.append(DocumentHit(row.id, row.case_id, name, row.title, row.document_type))
    return hits
