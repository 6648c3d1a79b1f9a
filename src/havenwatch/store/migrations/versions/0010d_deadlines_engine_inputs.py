"""Events carry every input the deadline engine takes: how a decision was served, and its procedure.

A case's deadlines must be what `havenwatch deadlines` computes for the same facts. The
engine counts from the act of service according to the service mode (personal service,
ordinary post, a notice left...) and, for decisions with several procedures (asylum), from the
procedure; until now neither was stored, so the case page assumed personal service and guessed
the procedure. Both are nullable: an event without them keeps today's meaning (personal
service; the decision's default procedure, or the shortest where it has none, with a warning).

Revision ID: 0010d_deadlines_engine_inputs
Revises: 0009_search_table_per_kind
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010d_deadlines_engine_inputs"
down_revision = "0009_search_table_per_kind"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("service", sa.String(40)))
        batch.add_column(sa.Column("procedure", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("procedure")
        batch.drop_column("service")
