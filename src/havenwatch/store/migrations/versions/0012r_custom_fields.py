"""Fields a team defines for its people, cases and events, and their values.

1. `custom_fields`: a team's definitions (key, labels per language, kind, options, whether a
   value identifies the person and whether it is required).
2. `custom_values`: one value per field and record, in clear when the field does not
   identify, else sealed with the person's data key.

Revision ID: 0012r_custom_fields
Revises: 0012p_list_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012r_custom_fields"
down_revision = "0012p_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("applies_to", sa.String(10), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("identifying", sa.Boolean(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_custom_fields_team_id_teams"),
        sa.PrimaryKeyConstraint("id", name="pk_custom_fields"),
    )
    op.create_index(
        "ix_custom_fields_team_record_key",
        "custom_fields",
        ["team_id", "applies_to", "key"],
        unique=True,
    )
    op.create_table(
        "custom_values",
        sa.Column("field_id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(32)),
        sa.Column("event_id", sa.String(32)),
        sa.Column("value", sa.Text()),
        sa.Column("sealed", sa.LargeBinary()),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["custom_fields.id"],
            name="fk_custom_values_field_id_custom_fields",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_custom_values_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_custom_values_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name="fk_custom_values_event_id_events",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("field_id", "record_id", name="pk_custom_values"),
    )
    op.create_index("ix_custom_values_record_id", "custom_values", ["record_id"])
    op.create_index("ix_custom_values_person_id", "custom_values", ["person_id"])


def downgrade() -> None:
    op.drop_table("custom_values")
    op.drop_table("custom_fields")
