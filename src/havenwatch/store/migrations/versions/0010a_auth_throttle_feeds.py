"""Login counters reserved before each password or code check, and read-only calendar tokens.

- `login_counters`: one row per throttled subject (a keyed hash of an account, an address, a
  user's second factor or a pending session), raised with one atomic UPDATE before the slow
  check, so concurrent attempts cannot all pass the limit.
- `calendar_tokens`: feed URLs carry these instead of personal API tokens; each opens one
  feed (a case, or the user's teams) read-only and can be revoked alone.

Revision ID: 0010a_auth_throttle_feeds
Revises: 0010b_leads_sealed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010a_auth_throttle_feeds"
down_revision = "0010b_leads_sealed"
branch_labels = None
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "login_counters",
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_login_counters_window_started_at", "login_counters", ["window_started_at"])
    op.create_table(
        "calendar_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", ID, sa.ForeignKey("cases.id", ondelete="CASCADE")),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("last_used_at", sa.DateTime()),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_calendar_tokens_user_id", "calendar_tokens", ["user_id"])
    op.create_index("ix_calendar_tokens_case_id", "calendar_tokens", ["case_id"])


def downgrade() -> None:
    op.drop_table("calendar_tokens")
    op.drop_table("login_counters")
