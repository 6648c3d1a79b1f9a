"""Admins filter the audit log by action as well as by actor and case: index it.

A plain CREATE INDEX, never a batch table rebuild, so the append-only triggers of 0002 stay.

Revision ID: 0005_audit_reports
Revises: 0004_ingest
"""

from __future__ import annotations

from alembic import op

revision = "0005_audit_reports"
down_revision = "0004_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_action", "audit_log", ["action"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_action", table_name="audit_log")
