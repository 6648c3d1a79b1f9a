"""SQLite: one full-text index per record kind, so a search never intersects with the kind.

Migration 0007 put the kind in the FTS5 index as a column, and a search for people asked for
`kind : person AND body : (...)`. FTS5 then intersects the word's matches with the doclist of
every record of that kind: at a million events, a pseudonym that no event holds still cost
milliseconds to find no event. Now each kind has its own FTS5 table over `search_entries`
(external content), filled by triggers that look at the entry's kind, so a word is looked up
only among the entries of the kind asked for.

These tables must never be sent FTS5's 'rebuild' command: it would index every kind's rows.

PostgreSQL is unchanged: its partial GIN index per kind (0007) already works this way.

Revision ID: 0009_search_table_per_kind
Revises: 0008_case_event_types
"""

from __future__ import annotations

from alembic import op

revision = "0009_search_table_per_kind"
down_revision = "0008_case_event_types"
branch_labels = None
depends_on = None

KINDS = ("person", "case", "event", "source")
TRIGGERS = ("search_entries_ai", "search_entries_ad", "search_entries_au")
TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"


def _add(kind: str) -> str:
    return (
        f"INSERT INTO search_fts_{kind}(rowid, body) "
        f"SELECT new.id, new.body WHERE new.kind = '{kind}';"
    )


def _remove(kind: str) -> str:
    return (
        f"INSERT INTO search_fts_{kind}(search_fts_{kind}, rowid, body) "
        f"SELECT 'delete', old.id, old.body WHERE old.kind = '{kind}';"
    )


def _per_kind_index() -> list[str]:
    tables = [
        f"CREATE VIRTUAL TABLE search_fts_{kind} USING fts5(body, content='search_entries', "
        f"content_rowid='id', {TOKENIZE})"
        for kind in KINDS
    ]
    adds = " ".join(_add(kind) for kind in KINDS)
    removes = " ".join(_remove(kind) for kind in KINDS)
    triggers = [
        f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN {adds} END",
        f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN {removes} END",
        f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
        f"{removes} {adds} END",
    ]
    fills = [
        f"INSERT INTO search_fts_{kind}(rowid, body) "
        f"SELECT id, body FROM search_entries WHERE kind = '{kind}'"
        for kind in KINDS
    ]
    return tables + triggers + fills


def _combined_index() -> list[str]:
    """Migration 0007's single index with the kind as a column, for a downgrade."""
    delete = (
        "INSERT INTO search_fts(search_fts, rowid, kind, body) "
        "VALUES ('delete', old.id, old.kind, old.body);"
    )
    insert = "INSERT INTO search_fts(rowid, kind, body) VALUES (new.id, new.kind, new.body);"
    return [
        f"CREATE VIRTUAL TABLE search_fts USING fts5(kind, body, content='search_entries', "
        f"content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN {insert} END",
        f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN {delete} END",
        f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
        f"{delete} {insert} END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


def _drop_triggers() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute("DROP TABLE search_fts")
    for statement in _per_kind_index():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    for kind in KINDS:
        op.execute(f"DROP TABLE search_fts_{kind}")
    for statement in _combined_index():
        op.execute(statement)
