"""Documents found by a word inside: their text sealed, their words in a blind index.

1. `documents.content_text`: the text read from the file (PDF text layer, Word or
   OpenDocument paragraphs, plain text), padded and sealed with the person's key;
   `documents.text_version`: which version of the reading rules made it. Rows uploaded before
   have neither: `havenwatch vault index-words` (also run by `havenwatch migrate`) reads
   their files from the vault and fills both.
2. `document_word_keys`: keyed hashes of the folded words of that text (Cyrillic and Latin
   spellings of a word share one), in a domain of their own; no word is stored in clear.

Revision ID: 0012f_document_words
Revises: 0011t_triage_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012f_document_words"
down_revision = "0011t_triage_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("content_text", sa.LargeBinary()))
        batch.add_column(sa.Column("text_version", sa.Integer()))
    op.create_table(
        "document_word_keys",
        sa.Column("word_key", sa.String(40), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_word_keys_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word_key", "document_id", name="pk_document_word_keys"),
    )
    op.create_index("ix_document_word_keys_document_id", "document_word_keys", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_document_word_keys_document_id", table_name="document_word_keys")
    op.drop_table("document_word_keys")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("text_version")
        batch.drop_column("content_text")
