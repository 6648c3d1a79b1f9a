"""News ingestion: MinHash signatures and LSH buckets for near-duplicates; who decided a lead.

`sources.simhash` (never written) gives way to `sources.minhash`, the signature that
`havenwatch.monitor.dedup` compares; `story_buckets` indexes its bands. `leads.decided_by`
records the acting account as the audit log names it ("cli:alice", a web user), so it is a
text, no longer a reference to `users`.

Revision ID: 0004_ingest
Revises: 0003_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ingest"
down_revision = "0003_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("simhash")
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))

    op.create_table(
        "story_buckets",
        sa.Column("bucket", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_story_buckets_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bucket", "source_id", name=op.f("pk_story_buckets")),
    )

    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_leads_decided_by_users"), type_="foreignkey")
        batch_op.alter_column(
            "decided_by",
            existing_type=sa.String(length=32),
            type_=sa.String(length=120),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.alter_column(
            "decided_by",
            existing_type=sa.String(length=120),
            type_=sa.String(length=32),
            existing_nullable=True,
        )
        batch_op.create_foreign_key(
            op.f("fk_leads_decided_by_users"), "users", ["decided_by"], ["id"]
        )

    op.drop_table("story_buckets")

    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("minhash")
        batch_op.add_column(sa.Column("simhash", sa.BigInteger(), nullable=True))
