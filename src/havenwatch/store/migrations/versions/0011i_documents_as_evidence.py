"""Documents as evidence: type, date, links to events, both hashes, the original kept.

1. `documents.document_type` (a code of `data/vocabulary.json`'s `document_types`) and
   `document_date` (the day the document itself bears, not the upload's).
2. `documents.original_sha256` and `cleaned_sha256`: the SHA-256 of the bytes as received and
   of the cleaned copy stored, each sealed with the person's key (a bare hash would let anyone
   holding a copy confirm what the case file contains). Rows uploaded before have neither.
3. `documents.original_vault_name`: the vault file of the original as received, kept only
   when the uploader asked for it, sealed like every vault file.
4. `document_events`: which events of the case a document proves (several per document).

The chain of custody (uploaded, cleaned, linked, viewed, downloaded) is the audit chain's
entries on the document; nothing new is needed for it.

Revision ID: 0011i_documents_as_evidence
Revises: 0010d_deadlines_inputs_and_steps
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011i_documents_as_evidence"
down_revision = "0010d_deadlines_inputs_and_steps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("document_type", sa.String(40)))
        batch.add_column(sa.Column("document_date", sa.Date()))
        batch.add_column(sa.Column("original_sha256", sa.LargeBinary()))
        batch.add_column(sa.Column("cleaned_sha256", sa.LargeBinary()))
        batch.add_column(sa.Column("original_vault_name", sa.String(64)))
        batch.create_unique_constraint("uq_documents_original_vault_name", ["original_vault_name"])
    op.create_table(
        "document_events",
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_events_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name="fk_document_events_event_id_events",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "event_id", name="pk_document_events"),
    )
    op.create_index("ix_document_events_event_id", "document_events", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_document_events_event_id", table_name="document_events")
    op.drop_table("document_events")
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_documents_original_vault_name", type_="unique")
        for name in (
            "original_vault_name",
            "cleaned_sha256",
            "original_sha256",
            "document_date",
            "document_type",
        ):
            batch.drop_column(name)
