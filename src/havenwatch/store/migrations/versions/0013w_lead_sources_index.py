"""An index of the reports on lead lists by report.

`lead_sources` is keyed by (lead, source). Source visibility (`access.visibility`) asks of
each report a search, a list or a count walks whether it is on a lead list, and without an
index led by the source SQLite scanned the whole table for every report (twice: for the
team's leads and for leads matching anyone): most of a search's time at 20,000 leads.
`ix_lead_sources_source_id` answers it from the index.

Revision ID: 0013w_lead_sources_index
Revises: 0013a_event_facts
"""

from __future__ import annotations

from alembic import op

revision = "0013w_lead_sources_index"
down_revision = "0013a_event_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lead_sources_source_id", "lead_sources", ["source_id", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_sources_source_id", table_name="lead_sources")
