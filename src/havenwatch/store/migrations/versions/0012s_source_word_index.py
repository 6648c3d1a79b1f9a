"""An index of the report-word blind index by source.

`source_word_keys` is keyed by (word, source), which serves a search by word; deleting a
source (retention, purge, a re-index) looked for its rows by scanning the whole table, one
row per distinct word of every stored report. `ix_source_word_keys_source_id` finds them.

Revision ID: 0012s_source_word_index
Revises: 0012r_custom_fields
"""

from __future__ import annotations

from alembic import op

revision = "0012s_source_word_index"
down_revision = "0012r_custom_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_source_word_keys_source_id", "source_word_keys", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_source_word_keys_source_id", table_name="source_word_keys")
