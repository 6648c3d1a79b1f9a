"""Indexes for the review queue's sorted orders, and for deleting a source or a lead.

1. The triage list (`monitor.review`) walks one index per order from the lead's status, each
   carrying the columns the list filters on, so a page and its bounded count read the index
   alone: `ix_leads_triage_newest` (created_at, id; it replaces `ix_leads_status_created`,
   its prefix), `ix_leads_triage_date` (event date latest first, then newest),
   `ix_leads_triage_type` (the type's code, then newest) and `ix_leads_triage_language`.
   The language order sorted every lead by its first report's language, read through a
   join; `leads.language` now holds it (filled here from `sources.language`, and at ingest).
2. Deleting a source (retention, purge) cascades to its story buckets and is checked against
   the leads citing it; deleting a lead cascades to its name keys. Each of those tables was
   keyed with another column first, so each deletion scanned it whole:
   `ix_story_buckets_source_id` and `ix_lead_name_keys_lead_id` find the rows instead (as
   `0012s` did for the report-word index; `0013w`'s `ix_lead_sources_source_id` serves the
   lead lists).

Revision ID: 0013m_monitor_indexes
Revises: 0013w_lead_sources_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013m_monitor_indexes"
down_revision = "0013w_lead_sources_index"
branch_labels = None
depends_on = None

NEWEST_FIRST = [sa.text("created_at DESC"), sa.text("id DESC")]


def upgrade() -> None:
    op.add_column("leads", sa.Column("language", sa.String(8), nullable=True))
    op.execute(
        "UPDATE leads SET language = "
        "(SELECT sources.language FROM sources WHERE sources.id = leads.source_id)"
    )
    op.create_index(
        "ix_leads_triage_newest",
        "leads",
        ["status", "created_at", "id", "event_type", "country", "event_date"],
    )
    op.create_index(
        "ix_leads_triage_date",
        "leads",
        ["status", sa.text("event_date DESC"), *NEWEST_FIRST, "event_type", "country"],
    )
    op.create_index(
        "ix_leads_triage_type",
        "leads",
        ["status", "event_type", *NEWEST_FIRST, "country", "event_date"],
    )
    op.create_index(
        "ix_leads_triage_language",
        "leads",
        ["status", "language", *NEWEST_FIRST, "event_type", "country", "event_date"],
    )
    op.drop_index("ix_leads_status_created", table_name="leads")
    op.create_index("ix_story_buckets_source_id", "story_buckets", ["source_id"])
    op.create_index("ix_lead_name_keys_lead_id", "lead_name_keys", ["lead_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_name_keys_lead_id", table_name="lead_name_keys")
    op.drop_index("ix_story_buckets_source_id", table_name="story_buckets")
    op.create_index("ix_leads_status_created", "leads", ["status", "created_at"])
    op.drop_index("ix_leads_triage_language", table_name="leads")
    op.drop_index("ix_leads_triage_type", table_name="leads")
    op.drop_index("ix_leads_triage_date", table_name="leads")
    op.drop_index("ix_leads_triage_newest", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("language")
