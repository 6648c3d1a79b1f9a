"""Each case carries the set of its event types, kept by the database itself.

Filtering the case list by event type probed the events index once per candidate case: at a
million events, a filtered page and its count cost thousands of probes. `cases.event_types`
holds the case's distinct event types between spaces (" appeal entry_ban "), and the listing
indexes carry it, so the filter is read from the index entry the walk is already on.

Triggers on `events` keep the column right whatever writes the events (the application, a
bulk load, an import, a restore): after every insert, update or delete the case's set is
recomputed from its events. Existing cases are filled in here.

Revision ID: 0008_case_event_types
Revises: 0007_search_kinds
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_case_event_types"
down_revision = "0007_search_kinds"
branch_labels = None
depends_on = None

EMPTY = "' '"
LISTING_INDEXES = [
    ("ix_cases_team_listing", ["team_id", "status", "country", "opened_on", "id"]),
    ("ix_cases_status_country", ["status", "country", "opened_on"]),
]
SQLITE_TRIGGERS = {
    "events_types_ai": ("AFTER INSERT", ["new"]),
    "events_types_au": ("AFTER UPDATE OF case_id, type", ["old", "new"]),
    "events_types_ad": ("AFTER DELETE", ["old"]),
}


def _types_of(case_id: str, aggregate: str) -> str:
    """SQL for the distinct event types of one case, between spaces; ' ' when it has none."""
    return (
        f"COALESCE((SELECT ' ' || {aggregate} || ' ' FROM "
        f"(SELECT DISTINCT type FROM events WHERE case_id = {case_id}) AS types), {EMPTY})"
    )


def _refresh(case_id: str, aggregate: str) -> str:
    return f"UPDATE cases SET event_types = {_types_of(case_id, aggregate)} WHERE id = {case_id};"


def _sqlite_triggers() -> list[str]:
    aggregate = "group_concat(type, ' ')"
    return [
        f"CREATE TRIGGER {name} {timing} ON events BEGIN "
        + " ".join(_refresh(f"{row}.case_id", aggregate) for row in rows)
        + " END"
        for name, (timing, rows) in SQLITE_TRIGGERS.items()
    ]


POSTGRES_FUNCTION = f"""
CREATE FUNCTION refresh_case_event_types() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_refresh("OLD.case_id", "string_agg(type, ' ')")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_refresh("NEW.case_id", "string_agg(type, ' ')")}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER events_types AFTER INSERT OR DELETE OR UPDATE OF case_id, type ON events "
    "FOR EACH ROW EXECUTE FUNCTION refresh_case_event_types()"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column(
        "cases",
        sa.Column("event_types", sa.String(400), nullable=False, server_default=sa.text(EMPTY)),
    )
    aggregate = "group_concat(type, ' ')" if sqlite else "string_agg(type, ' ')"
    op.execute(f"UPDATE cases SET event_types = {_types_of('cases.id', aggregate)}")
    for name, columns in LISTING_INDEXES:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*columns, "event_types"], unique=False)
    if sqlite:
        for statement in _sqlite_triggers():
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER events_types ON events")
        op.execute("DROP FUNCTION refresh_case_event_types()")
    for name, columns in LISTING_INDEXES:
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", columns, unique=False)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("event_types")
