"""Frozen anonymised releases: numbered, dated, never changed once published.

The public and researcher pages serve only these stored versions, so two reads around a
change of the case data return the same bytes until the next publication. Like the audit log,
the table refuses UPDATE and DELETE on SQLite and PostgreSQL alike.

Revision ID: 0010c_release_published_releases
Revises: 0009_search_table_per_kind
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010c_release_published_releases"
down_revision = "0009_search_table_per_kind"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER published_releases_no_update BEFORE UPDATE ON published_releases
       BEGIN SELECT RAISE(ABORT, 'published_releases is append-only'); END""",
    """CREATE TRIGGER published_releases_no_delete BEFORE DELETE ON published_releases
       BEGIN SELECT RAISE(ABORT, 'published_releases is append-only'); END""",
]
POSTGRES_STATEMENTS = [
    """CREATE FUNCTION published_releases_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'published_releases is append-only'; END $$""",
    """CREATE TRIGGER published_releases_no_change BEFORE UPDATE OR DELETE
       ON published_releases
       FOR EACH ROW EXECUTE FUNCTION published_releases_append_only()""",
    """CREATE TRIGGER published_releases_no_truncate BEFORE TRUNCATE ON published_releases
       FOR EACH STATEMENT EXECUTE FUNCTION published_releases_append_only()""",
    "REVOKE UPDATE, DELETE, TRUNCATE ON published_releases FROM PUBLIC",
]


def upgrade() -> None:
    op.create_table(
        "published_releases",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_published_releases")),
    )
    statements = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_STATEMENTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER published_releases_no_change ON published_releases")
        op.execute("DROP TRIGGER published_releases_no_truncate ON published_releases")
        op.execute("DROP FUNCTION published_releases_append_only()")
    op.drop_table("published_releases")
