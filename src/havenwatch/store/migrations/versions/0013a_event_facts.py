"""`event_facts`: one narrow row per event with what the statistics count by, kept by triggers.

The statistics page counts people, cases and events of one team for a period, often in one host
country. Read from `events` joined to `cases`, a year of a team's events at a million events
means hundreds of thousands of index entries and as many probes into `cases` (team, country,
person): seconds, each time a worker meets a question it has not cached. `event_facts` holds,
for each event, its team, host country, the person's nationality, the person and case, the
event's type, grounds, authority, date bounds and outcome, with indexes that start with the team (and
the country) and go on with the dates: a question reads one contiguous range of one covering
index, without a join. A partial index holds only the events dated less precisely than a day,
the only ones that can overlap a period without lying inside it ("not placed").

Triggers keep it right in the same transaction as every write, whatever makes it (the
application, a bulk load, an import, a restore): an event inserted, changed or deleted; a case
moved to another team, country or person; a person's nationality corrected. Existing events are
copied here.

Revision ID: 0013a_event_facts
Revises: 0012s_source_word_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013a_event_facts"
down_revision = "0012s_source_word_index"
branch_labels = None
depends_on = None

SPAN = ["date_latest", "date_earliest", "type", "person_id", "case_id"]
INDEXES = {
    "ix_event_facts_team_country_span": ["team_id", "country", *SPAN],
    "ix_event_facts_team_span": ["team_id", *SPAN, "country"],
    "ix_event_facts_case_decisions": ["case_id", "type", "date_earliest", "outcome"],
}
# Partial: only events dated less precisely than a day ("not placed" in a period).
SPREAD_INDEXES = {
    "ix_event_facts_team_spread": ["team_id", "date_latest", "date_earliest", "country", "type"],
    "ix_event_facts_team_country_spread": [
        "team_id",
        "country",
        "date_latest",
        "date_earliest",
        "type",
    ],
}
COLUMNS = (
    "event_id, team_id, country, nationality, person_id, case_id, type, grounds, authority, "
    "date_earliest, date_latest, outcome"
)


def _fact_of(row: str) -> str:
    """INSERT of the fact of one event row (`new` in a trigger, `events` when copying)."""
    return (
        f"INSERT INTO event_facts ({COLUMNS}) SELECT {row}.id, cases.team_id, cases.country, "
        f"people.nationality, cases.person_id, {row}.case_id, {row}.type, {row}.grounds, "
        f"{row}.authority, {row}.date_earliest, {row}.date_latest, {row}.outcome FROM cases "
        f"JOIN people ON people.id = cases.person_id WHERE cases.id = {row}.case_id"
    )


BACKFILL = (
    f"INSERT INTO event_facts ({COLUMNS}) SELECT events.id, cases.team_id, cases.country, "
    "people.nationality, cases.person_id, events.case_id, events.type, events.grounds, "
    "events.authority, events.date_earliest, events.date_latest, events.outcome FROM events "
    "JOIN cases ON cases.id = events.case_id JOIN people ON people.id = cases.person_id"
)
CASE_MOVED = (
    "UPDATE event_facts SET team_id = new.team_id, country = new.country, "
    "person_id = new.person_id, "
    "nationality = (SELECT nationality FROM people WHERE people.id = new.person_id) "
    "WHERE case_id = new.id"
)
NATIONALITY = (
    "UPDATE event_facts SET nationality = new.nationality "
    "WHERE case_id IN (SELECT id FROM cases WHERE cases.person_id = new.id)"
)

SQLITE_TRIGGERS = {
    "event_facts_ai": f"AFTER INSERT ON events BEGIN {_fact_of('new')}; END",
    "event_facts_au": (
        "AFTER UPDATE OF id, case_id, type, grounds, authority, date_earliest, date_latest, "
        f"outcome ON events BEGIN DELETE FROM event_facts WHERE event_id = old.id; {_fact_of('new')}; END"
    ),
    "event_facts_ad": "AFTER DELETE ON events BEGIN "
    "DELETE FROM event_facts WHERE event_id = old.id; END",
    "event_facts_case": f"AFTER UPDATE OF team_id, country, person_id ON cases BEGIN "
    f"{CASE_MOVED}; END",
    "event_facts_nationality": f"AFTER UPDATE OF nationality ON people BEGIN {NATIONALITY}; END",
}

POSTGRES_FUNCTIONS = {
    "event_facts_of_event": f"""
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM event_facts WHERE event_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {_fact_of("NEW")};
        END IF;
        RETURN NULL;""",
    "event_facts_of_case": f"{CASE_MOVED.replace('new.', 'NEW.')}; RETURN NULL;",
    "event_facts_of_person": f"{NATIONALITY.replace('new.', 'NEW.')}; RETURN NULL;",
}
POSTGRES_TRIGGERS = {
    "event_facts_event": (
        "AFTER INSERT OR DELETE OR UPDATE OF id, case_id, type, grounds, authority, "
        "date_earliest, date_latest, outcome ON events",
        "event_facts_of_event",
    ),
    "event_facts_case": (
        "AFTER UPDATE OF team_id, country, person_id ON cases",
        "event_facts_of_case",
    ),
    "event_facts_nationality": ("AFTER UPDATE OF nationality ON people", "event_facts_of_person"),
}


def upgrade() -> None:
    op.create_table(
        "event_facts",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("grounds", sa.String(length=40), nullable=True),
        sa.Column("authority", sa.String(length=40), nullable=True),
        sa.Column("date_earliest", sa.Date(), nullable=True),
        sa.Column("date_latest", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_facts")),
    )
    op.execute(BACKFILL)
    for name, columns in INDEXES.items():
        op.create_index(name, "event_facts", columns)
    spread = sa.text("date_earliest < date_latest")
    for name, columns in SPREAD_INDEXES.items():
        op.create_index(name, "event_facts", columns, sqlite_where=spread, postgresql_where=spread)
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    for name, body in POSTGRES_FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} END; $$ LANGUAGE plpgsql"
        )
    for name, (timing, function) in POSTGRES_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {timing} FOR EACH ROW EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, (timing, _function) in POSTGRES_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name} ON {timing.rsplit(' ', 1)[-1]}")
        for name in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_table("event_facts")
