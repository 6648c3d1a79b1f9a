"""Deadlines a lawyer can act on: every engine input on events, steps stored, their workflow.

1. Events carry every input the deadline engine takes: how a decision was served
   (`service`, a service method of the rules) and its `procedure`. Until now neither was
   stored, so the case page assumed personal service and guessed the procedure. Both are
   nullable: without them an event keeps its old meaning (personal service; the decision's
   default procedure, or the shortest where it has none, with a warning).
2. `deadline_steps`: each case's steps as the engine last computed them, rewritten whenever
   the case's events, its status or what was done about a step change (`cases.step_workflow`),
   so that the dashboard counts overdue and due-soon steps from one index, and the case list
   sorts by `cases.next_deadline`, without computing every case's deadlines. `havenwatch
   migrate` fills them for existing cases (the rules live in Python, not in SQL), as does
   `havenwatch case refresh-deadlines`.
3. `deadline_actions`: what the team did about a step (done on a day by an event, not
   applicable, superseded), the sealed note and who did it, and the assignee.
4. `users.email`: where deadline reminders go, sealed under the key file's KEK.

Revision ID: 0010d_deadlines_inputs_and_steps
Revises: 0010a_auth_throttle_feeds
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010d_deadlines_inputs_and_steps"
down_revision = "0010a_auth_throttle_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("service", sa.String(40)))
        batch.add_column(sa.Column("procedure", sa.String(40)))
    op.add_column("users", sa.Column("email", sa.LargeBinary()))
    op.add_column("cases", sa.Column("next_deadline", sa.Date()))
    op.create_index("ix_cases_team_next_deadline", "cases", ["team_id", "next_deadline"])
    op.create_table(
        "deadline_steps",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("deadline_id", sa.String(120), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("remedy", sa.String(60), nullable=False),
        sa.Column("due", sa.Date()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_deadline_steps_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "deadline_id", name="pk_deadline_steps"),
    )
    op.create_index("ix_deadline_steps_status_due", "deadline_steps", ["status", "due"])
    op.create_index(
        "ix_deadline_steps_team_status_due", "deadline_steps", ["team_id", "status", "due"]
    )
    op.create_table(
        "deadline_actions",
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("deadline_id", sa.String(120), nullable=False),
        sa.Column("resolution", sa.String(20)),
        sa.Column("resolved_on", sa.Date()),
        sa.Column("resolved_event_id", sa.String(32)),
        sa.Column("note", sa.LargeBinary()),
        sa.Column("resolved_by", sa.String(80)),
        sa.Column("assignee_id", sa.String(32)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name="fk_deadline_actions_case_id_cases",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name="fk_deadline_actions_assignee_id_users"
        ),
        sa.PrimaryKeyConstraint("case_id", "deadline_id", name="pk_deadline_actions"),
    )
    op.create_index(
        "ix_deadline_actions_assignee_id", "deadline_actions", ["assignee_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("deadline_actions")
    op.drop_table("deadline_steps")
    op.drop_index("ix_cases_team_next_deadline", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("next_deadline")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("procedure")
        batch.drop_column("service")
