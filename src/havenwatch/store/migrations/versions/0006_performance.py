"""Indexes shaped like the workspace's busiest queries, at 100,000 cases and a million events.

- `cases`: the filtered list of a team's cases walks `ix_cases_team_listing` in date order
  (administrators, who see every team, walk `ix_cases_status_country`); "assigned to you"
  on the dashboard reads `ix_cases_assigned_user_id`.
- `events`: whether a case has an event of a type is one probe of `ix_events_case_id_type`
  (it replaces the plain `case_id` index, of which it is a prefix); recent decisions for the
  deadlines come from `ix_events_type_date` and `ix_events_type_served_on`; the monthly
  statistics read only `ix_events_type_span`.
- `person_name_keys`: a name search reads the person ids from the index itself.

Plain CREATE/DROP INDEX statements, never a batch table rebuild.

Revision ID: 0006_performance
Revises: 0005_audit_reports
"""

from __future__ import annotations

from alembic import op

revision = "0006_performance"
down_revision = "0005_audit_reports"
branch_labels = None
depends_on = None

NEW_INDEXES = [
    ("ix_cases_team_listing", "cases", ["team_id", "status", "country", "opened_on", "id"]),
    ("ix_cases_assigned_user_id", "cases", ["assigned_user_id", "updated_at"]),
    ("ix_events_case_id_type", "events", ["case_id", "type"]),
    ("ix_events_type_served_on", "events", ["type", "served_on"]),
    ("ix_events_type_span", "events", ["type", "date_latest", "date_earliest", "case_id"]),
]
WIDENED_INDEXES = [
    ("ix_cases_status_country", "cases", ["status", "country"], ["status", "country", "opened_on"]),
    (
        "ix_person_name_keys_name_key",
        "person_name_keys",
        ["name_key"],
        ["name_key", "person_id"],
    ),
]


def upgrade() -> None:
    for name, table, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_events_case_id", table_name="events")
    for name, table, _narrow, wide in WIDENED_INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, wide, unique=False)


def downgrade() -> None:
    for name, table, narrow, _wide in WIDENED_INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, narrow, unique=False)
    op.create_index("ix_events_case_id", "events", ["case_id"], unique=False)
    for name, table, _columns in reversed(NEW_INDEXES):
        op.drop_index(name, table_name=table)
