"""Search by record kind inside the full-text index, so one kind never walks another's matches.

A search asks for the newest matches of one kind (people, cases, events or sources). With the
kind outside the index, a pseudonym that no event holds still looked up every match of the
word to find no event among them. Now:

- SQLite: `search_fts` indexes `kind` as a column beside `body`, and the query names it in a
  column filter (`kind : person AND body : (...)`), so FTS5 intersects the two doclists.
- PostgreSQL: one partial GIN index per kind over `to_tsvector('simple', body)`, chosen by
  the query's literal `kind = '...'`.

The SQLite index is rebuilt from `search_entries`, its external content.

Revision ID: 0007_search_kinds
Revises: 0006_performance
"""

from __future__ import annotations

from alembic import op

revision = "0007_search_kinds"
down_revision = "0006_performance"
branch_labels = None
depends_on = None

KINDS = ("person", "case", "event", "source")
TRIGGERS = ("search_entries_ai", "search_entries_ad", "search_entries_au")
TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"


def _sqlite_index(columns: list[str]) -> list[str]:
    """The FTS5 table over `columns` of `search_entries`, its triggers, and a rebuild."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{name}" for name in columns)
    old = ", ".join(f"old.{name}" for name in columns)
    delete = f"INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE search_fts USING fts5({names}, content='search_entries', "
        f"content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN {insert} END",
        f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN {delete} END",
        f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
        f"{delete} {insert} END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


def _drop_sqlite_index() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE search_fts")


def _postgres_kind_indexes() -> list[str]:
    return [
        f"CREATE INDEX ix_search_entries_tsv_{kind} ON search_entries "
        f"USING gin (to_tsvector('simple', body)) WHERE kind = '{kind}'"
        for kind in KINDS
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_index()
        for statement in _sqlite_index(["kind", "body"]):
            op.execute(statement)
        return
    op.execute("DROP INDEX ix_search_entries_tsv")
    for statement in _postgres_kind_indexes():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_index()
        for statement in _sqlite_index(["body"]):
            op.execute(statement)
        return
    for kind in KINDS:
        op.execute(f"DROP INDEX ix_search_entries_tsv_{kind}")
    op.execute(
        "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (to_tsvector('simple', body))"
    )
