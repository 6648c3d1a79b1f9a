"""Covering indexes for the case list, in either order, under every filter.

1. `ix_cases_team_opened` (team, opening day, id, then the filtered columns): the list by
   opening day without both a status and a country (one of them, a tag, an event type,
   dates, or none) walks one team's cases in order and filters on the index alone, stopping
   after a page and its count; `ix_cases_team_listing` still serves status and country
   together.
2. `ix_cases_team_deadline_listing` (team, next deadline, id, then the filtered columns)
   replaces `ix_cases_team_next_deadline`: the list sorted by next deadline walks it in
   order, and its cursor (`after=`) resumes from the (day, id) where a page ended.

Revision ID: 0012p_list_indexes
Revises: 0012l_lead_backfill
"""

from __future__ import annotations

from alembic import op

revision = "0012p_list_indexes"
down_revision = "0012l_lead_backfill"
branch_labels = None
depends_on = None

LISTED = ["status", "country", "event_types"]


def upgrade() -> None:
    op.create_index("ix_cases_team_opened", "cases", ["team_id", "opened_on", "id", *LISTED])
    op.create_index(
        "ix_cases_team_deadline_listing", "cases", ["team_id", "next_deadline", "id", *LISTED]
    )
    op.drop_index("ix_cases_team_next_deadline", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_team_next_deadline", "cases", ["team_id", "next_deadline"])
    op.drop_index("ix_cases_team_deadline_listing", table_name="cases")
    op.drop_index("ix_cases_team_opened", table_name="cases")
