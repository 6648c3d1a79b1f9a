"""A queue a reviewer can triage and correct, and sealed sources that search can find.

1. `leads.reviewed`: what the reviewer kept when deciding a lead (the corrected event and
   which fields they changed), sealed with the monitor pool's key. `leads.sealed` keeps the
   extractor's own reading, so the extractor can be scored on the decisions.
2. `lead_name_keys`: the blind index of each lead's subject name (keyed with the monitor
   pool's key), so that accepting a lead re-matches only the pending leads that share a
   name key with the name accepted.
3. `source_word_keys`: the blind index of the words of sealed sources (titles and text), so
   search finds an ingested report by a word while no word is stored in clear. Filled for
   reports ingested from now on.
4. `ix_sources_publisher`: the review queue filters leads by outlet.

Revision ID: 0011t_triage_review
Revises: 0010d_deadlines_inputs_and_steps
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011t_triage_review"
down_revision = "0010d_deadlines_inputs_and_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("reviewed", sa.LargeBinary()))
    op.create_index("ix_sources_publisher", "sources", ["publisher"])
    op.create_table(
        "lead_name_keys",
        sa.Column("name_key", sa.String(64), nullable=False),
        sa.Column("lead_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_name_keys_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("name_key", "lead_id", name="pk_lead_name_keys"),
    )
    op.create_table(
        "source_word_keys",
        sa.Column("word_key", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name="fk_source_word_keys_source_id_sources",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word_key", "source_id", name="pk_source_word_keys"),
    )


def downgrade() -> None:
    op.drop_index("ix_sources_publisher", table_name="sources")
    op.drop_table("source_word_keys")
    op.drop_table("lead_name_keys")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("reviewed")
