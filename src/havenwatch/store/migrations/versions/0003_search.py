"""Full-text search: one row per searchable record, indexed by FTS5 or a GIN tsvector.

`search_entries` holds only what may be searched: pseudonyms (never identity), case titles,
tags and countries, event codes (never notes) and published source text. On SQLite an
external-content FTS5 table mirrors it through triggers; on PostgreSQL a GIN index over
`to_tsvector('simple', body)` serves the same queries. Existing records are indexed here.

Revision ID: 0003_search
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_search"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_STATEMENTS = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
         body, content='search_entries', content_rowid='id',
         tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
         INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
         INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END""",
    """CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN
         INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);
         INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END""",
]
POSTGRES_STATEMENTS = [
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (to_tsvector('simple', body))",
]


def _words(column: str) -> str:
    return f"coalesce(replace({column}, '_', ' '), '')"


def _backfill(dialect: str) -> list[str]:
    tags = (
        "(SELECT group_concat(tag, ' ') FROM case_tags WHERE case_tags.case_id = cases.id)"
        if dialect == "sqlite"
        else "(SELECT string_agg(tag, ' ') FROM case_tags WHERE case_tags.case_id = cases.id)"
    )
    insert = "INSERT INTO search_entries (kind, ref_id, team_id, body) "
    return [
        insert + "SELECT 'person', id, team_id, pseudonym FROM people",
        insert + "SELECT 'case', id, team_id, coalesce(title, '') || ' ' || country || ' ' || "
        f"coalesce({tags}, '') FROM cases",
        insert + "SELECT 'event', events.id, cases.team_id, "
        f"{_words('events.type')} || ' ' || {_words('events.authority')} || ' ' || "
        f"{_words('events.grounds')} || ' ' || {_words('events.decision_code')} "
        "FROM events JOIN cases ON cases.id = events.case_id",
        insert + "SELECT 'source', id, NULL, coalesce(title, '') || ' ' || "
        "coalesce(publisher, '') || ' ' || coalesce(text, '') FROM sources",
    ]


def upgrade() -> None:
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index("ix_search_entries_kind_ref_id", ["kind", "ref_id"], unique=True)
        batch_op.create_index("ix_search_entries_team_id", ["team_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_STATEMENTS if dialect == "sqlite" else POSTGRES_STATEMENTS:
        op.execute(statement)
    for statement in _backfill(dialect):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_search_entries_tsv")
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entries_team_id")
        batch_op.drop_index("ix_search_entries_kind_ref_id")
    op.drop_table("search_entries")
