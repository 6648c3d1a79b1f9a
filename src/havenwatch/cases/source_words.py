"""A blind index of the words of sealed sources, so search finds an ingested report by a word.

A report the news monitor stores is sealed (`havenwatch.cases.sources`): its title and text
cannot be in the full-text index, which holds clear text. Instead each distinct word of the
title and text is folded with the name rules (`havenwatch.core.names.name_stems`: case,
diacritics, Cyrillic or Latin script, a declension ending) and hashed, in a domain of its
own, with the monitor pool's data key (`MonitorKey.digest`, a keyed HMAC): the key that seals
the reports themselves, which key rotation re-wraps but never changes, so the index stays
valid across rotations. A search word is folded and hashed the same way and looked up; a
report matches when it holds every word of the query. No word is stored in clear, and
without the key file the hashes cannot be recomputed from a guessed word. What a reader of
the table still learns is how often one (unknown) word recurs across reports
(docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, Select, bindparam, func, select

from havenwatch.cases.search import found_by_arms, positioned, union_of
from havenwatch.core.names import name_stems
from havenwatch.crypto.keys import Keyring
from havenwatch.store.bulk import insert_rows
from havenwatch.store.monitor_key import MonitorKey, monitor_key
from havenwatch.store.schema import source_word_keys, sources

DOMAIN = "source-word"
MIN_LENGTH = 2
MAX_WORDS = 4000
MAX_QUERY_WORDS = 8


def word_keys(key: MonitorKey, texts: Iterable[str | None]) -> set[str]:
    """The keyed hashes of the distinct folded words of the texts (at most `MAX_WORDS`)."""
    words: dict[str, None] = {}
    for text in texts:
        # Folded a written word at a time: a word recurs in a report and across reports, and
        # the folding cache (bounded) then holds words, not whole reports.
        for written in dict.fromkeys((text or "").split()):
            for stem in name_stems(written):
                if len(stem) >= MIN_LENGTH:
                    words.setdefault(stem)
            if len(words) >= MAX_WORDS:
                break
    return {key.digest(DOMAIN, word) for word in list(words)[:MAX_WORDS]}


def index_source_words(
    conn: Connection, key: MonitorKey, source_id: str, title: str | None, text: str | None
) -> None:
    """Index a sealed source's title and text words (replacing what it had)."""
    conn.execute(source_word_keys.delete().where(source_word_keys.c.source_id == source_id))
    add_source_words(conn, key, source_id, title, text)


def add_source_words(
    conn: Connection, key: MonitorKey, source_id: str, title: str | None, text: str | None
) -> None:
    """Index the words of a source stored just now (it has none yet), in one statement."""
    keys = word_keys(key, [title, text])
    insert_rows(
        conn, source_word_keys, [{"word_key": key, "source_id": source_id} for key in sorted(keys)]
    )


KEYS = "source_word_keys"
KEY_COUNT = "source_word_count"


def source_word_parameters(conn: Connection, keyring: Keyring, query: str) -> dict[str, Any]:
    """The parameters of `sealed_arm` for a query: its words' keys (none: nothing to look up,
    or no report sealed yet)."""
    key = monitor_key(conn, keyring)
    stems = [stem for stem in name_stems(query) if len(stem) >= MIN_LENGTH]
    keys = sorted({key.digest(DOMAIN, stem) for stem in stems[:MAX_QUERY_WORDS]} if key else ())
    return {KEYS: keys, KEY_COUNT: len(keys)} if keys else {}


def sealed_arm(visible: ColumnElement[bool] | None, limit: int) -> Select[Any]:
    """Sealed sources holding every word key of `:source_word_keys`, newest first, as a
    `positioned` arm labelled "sealed" (the statement is the same for every query)."""
    holding = (
        select(source_word_keys.c.source_id)
        .where(source_word_keys.c.word_key.in_(bindparam(KEYS, expanding=True)))
        .group_by(source_word_keys.c.source_id)
        .having(func.count() == bindparam(KEY_COUNT, type_=Integer))
        .subquery()
    )
    statement = select(sources.c.id.label("id"), sources.c.created_at.label("created_at")).join(
        holding, holding.c.source_id == sources.c.id
    )
    if visible is not None:
        statement = statement.where(visible)
    ranked = (
        statement.order_by(sources.c.created_at.desc(), sources.c.id.desc())
        .limit(limit)
        .subquery("ranked_sealed")
    )
    return positioned("sealed", ranked, ranked.c.created_at.desc(), ranked.c.id.desc())


def sources_with_words(
    conn: Connection,
    keyring: Keyring,
    query: str,
    *,
    visible: ColumnElement[bool] | None = None,
    limit: int = 20,
) -> list[str]:
    """Ids of sealed sources holding every word of the query, newest first."""
    parameters = source_word_parameters(conn, keyring, query)
    if not parameters:
        return []
    statement = union_of([sealed_arm(visible, limit)])
    return found_by_arms(conn, statement, parameters, ["sealed"])["sealed"]
