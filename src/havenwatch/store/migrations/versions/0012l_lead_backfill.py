"""The leads and reports ingested before `0011t_triage_review` get their blind indexes.

`0011t_triage_review` added `lead_name_keys` (the keys of a lead's subject name, for
re-matching after an accept or a merge) and `source_word_keys` (the keys of a sealed
report's words, for search), filled at ingest from then on. This data migration fills them
for what was stored before (`havenwatch.monitor.backfill`): each lead and sealed report is
opened with the monitor pool's key and only keyed hashes are written, nothing in clear.
Decided leads need nothing more: a decision taken before `leads.reviewed` existed is scored
as the extractor's own reading (`havenwatch.monitor.reviewed`).

Opening the leads needs the key file: `havenwatch migrate` passes it. On a database holding
leads or sealed reports without index rows, the migration refuses to run without it.

Revision ID: 0012l_lead_backfill
Revises: 0012f_document_words
"""

from __future__ import annotations

from alembic import context, op

revision = "0012l_lead_backfill"
down_revision = "0012f_document_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from havenwatch.monitor.backfill import backfill_indexes, needs_backfill

    bind = op.get_bind()
    if not needs_backfill(bind):
        return
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            "this migration indexes the leads and news reports already stored: "
            "run `havenwatch migrate` with the key file"
        )
    backfill_indexes(bind, keyring)


def downgrade() -> None:
    """The index rows stay: they are what ingest writes, and harmless to an older schema."""
