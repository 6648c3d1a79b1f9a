"""Leads and what the news monitor stores are sealed; a lead's match moves to `lead_matches`.

Before, `leads` held the name read in the report, the evidence and extraction quoting it, the
matched person and case, the score and a reason quoting the name, all in clear, and the team
of the person matched; `sources` and `ingest_queue` held the monitor's reports in clear. Now:

- `leads.sealed` holds the name, evidence and extraction, sealed with the monitor pool's data
  key (`havenwatch.store.monitor_key`, made here if the instance has none); the clear
  columns and `team_id` go, and the fingerprint becomes a keyed digest;
- `lead_matches` holds one row per person a lead matched (or was decided into), with the
  person's team in clear and the person, case, score and reason code sealed;
- a report the monitor stored (`sources.story_id` set) has its url, title and text moved to
  `sources.sealed`; queued reports still pending are sealed in `ingest_queue.payload`.

Sealing needs the key file: `havenwatch migrate` passes it (`havenwatch.store.migrate`). On a
database holding any of these rows, the migration refuses to run without it.

Revision ID: 0010b_leads_sealed
Revises: 0010e_feeds
"""

from __future__ import annotations

import base64
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0010b_leads_sealed"
down_revision = "0010e_feeds"
branch_labels = None
depends_on = None

CLEAR_LEAD_COLUMNS = (
    "subject_name",
    "evidence",
    "extraction",
    "candidate_person_id",
    "candidate_case_id",
    "match_score",
    "match_reason",
    "team_id",
)
REASON_BY_SCORE = {
    100: "whole_name",
    90: "every_part",
    60: "surname_only",
    50: "first_name_differs",
}

leads = sa.table(
    "leads",
    sa.column("id", sa.String),
    sa.column("fingerprint", sa.String),
    sa.column("story_id", sa.String),
    sa.column("subject_name", sa.Text),
    sa.column("evidence", sa.Text),
    sa.column("extraction", sa.JSON),
    sa.column("candidate_person_id", sa.String),
    sa.column("candidate_case_id", sa.String),
    sa.column("match_score", sa.Integer),
    sa.column("event_id", sa.String),
    sa.column("team_id", sa.String),
    sa.column("sealed", sa.LargeBinary),
)
lead_sources = sa.table("lead_sources", sa.column("lead_id"), sa.column("source_id"))
lead_matches = sa.table(
    "lead_matches",
    sa.column("lead_id", sa.String),
    sa.column("person_ref", sa.String),
    sa.column("team_id", sa.String),
    sa.column("sealed", sa.LargeBinary),
)
sources = sa.table(
    "sources",
    sa.column("id", sa.String),
    sa.column("url", sa.Text),
    sa.column("title", sa.Text),
    sa.column("text", sa.Text),
    sa.column("story_id", sa.String),
    sa.column("sealed", sa.LargeBinary),
)
queue = sa.table(
    "ingest_queue",
    sa.column("id", sa.Integer),
    sa.column("content_hash", sa.String),
    sa.column("status", sa.String),
    sa.column("payload", sa.JSON),
)
people = sa.table("people", sa.column("id", sa.String), sa.column("team_id", sa.String))
cases = sa.table(
    "cases",
    sa.column("id", sa.String),
    sa.column("person_id", sa.String),
    sa.column("team_id", sa.String),
)
events = sa.table("events", sa.column("id", sa.String), sa.column("case_id", sa.String))


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "lead_matches",
        sa.Column("lead_id", sa.String(length=32), nullable=False),
        sa.Column("person_ref", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_matches_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_lead_matches_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("lead_id", "person_ref", name=op.f("pk_lead_matches")),
    )
    op.create_index("ix_lead_matches_person_ref", "lead_matches", ["person_ref"])
    op.create_index("ix_lead_matches_team_lead", "lead_matches", ["team_id", "lead_id"])
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))

    key = _monitor_key(bind)
    if key is not None:
        _seal_sources(bind, key)
        _seal_queue(bind, key)
        _seal_leads(bind, key)

    # Recreating `leads` on SQLite drops the old table, and with foreign keys on that
    # cascades into the tables referring to it: keep their rows aside and put them back.
    children = (lead_sources, lead_matches)
    kept = [[dict(row._mapping) for row in bind.execute(sa.select(table))] for table in children]
    with op.batch_alter_table("leads") as batch:
        for name in CLEAR_LEAD_COLUMNS:
            batch.drop_column(name)
        batch.alter_column("sealed", existing_type=sa.LargeBinary(), nullable=False)
    for table, rows in zip(children, kept, strict=True):
        bind.execute(table.delete())
        if rows:
            bind.execute(table.insert(), rows)


def _monitor_key(bind: Any) -> Any:
    """The monitor pool's key (made if none), or None when there is nothing to seal."""
    has_rows = any(
        bind.execute(sa.select(sa.func.count()).select_from(query)).scalar()
        for query in (
            sa.select(leads.c.id).subquery(),
            sa.select(sources.c.id).where(sources.c.story_id.is_not(None)).subquery(),
            sa.select(queue.c.id).where(queue.c.status != "done").subquery(),
        )
    )
    if not has_rows:
        return None
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            "this migration seals the leads and news reports already stored: "
            "run `havenwatch migrate` with the key file"
        )
    from havenwatch.store.monitor_key import ensure_monitor_key

    return ensure_monitor_key(bind, keyring)


def _seal_sources(bind: Any, key: Any) -> None:
    rows = bind.execute(
        sa.select(sources.c.id, sources.c.url, sources.c.title, sources.c.text).where(
            sources.c.story_id.is_not(None), sources.c.sealed.is_(None)
        )
    ).all()
    for row in rows:
        sealed = {"url": row.url, "title": row.title, "text": row.text}
        bind.execute(
            sources.update()
            .where(sources.c.id == row.id)
            .values(
                url=None,
                title=None,
                text="",
                sealed=key.seal_json(sealed, "sources", "sealed", row.id),
            )
        )


def _seal_queue(bind: Any, key: Any) -> None:
    rows = bind.execute(
        sa.select(queue.c.id, queue.c.content_hash, queue.c.payload).where(queue.c.status != "done")
    ).all()
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        if "sealed" in payload:
            continue
        blob = key.seal_json(payload, "ingest_queue", "payload", row.content_hash)
        bind.execute(
            queue.update()
            .where(queue.c.id == row.id)
            .values(payload={"sealed": base64.b64encode(blob).decode()})
        )


def _seal_leads(bind: Any, key: Any) -> None:
    from havenwatch.monitor.record import lead_fingerprint

    rows = bind.execute(sa.select(leads)).all()
    for row in rows:
        extraction = row.extraction if isinstance(row.extraction, dict) else {}
        content = {
            "subject_name": row.subject_name,
            "evidence": row.evidence or "",
            "extraction": extraction,
        }
        fingerprint = (
            lead_fingerprint(key, row.story_id, extraction)
            if row.story_id and extraction.get("type")
            else key.digest("lead", row.fingerprint)
        )
        bind.execute(
            leads.update()
            .where(leads.c.id == row.id)
            .values(
                fingerprint=fingerprint, sealed=key.seal_json(content, "leads", "sealed", row.id)
            )
        )
        _move_matches(bind, key, row)


def _move_matches(bind: Any, key: Any, row: Any) -> None:
    """The lead's candidate person, and the person of the case it was decided into."""
    found: dict[str, dict[str, Any]] = {}
    if row.candidate_person_id:
        team = bind.execute(
            sa.select(people.c.team_id).where(people.c.id == row.candidate_person_id)
        ).scalar()
        score = int(row.match_score or 0)
        if team is not None:
            found[row.candidate_person_id] = {
                "team_id": team,
                "case_id": row.candidate_case_id,
                "score": score,
                "reason": REASON_BY_SCORE.get(score, "first_name_only"),
            }
    if row.event_id:
        decided = bind.execute(
            sa.select(cases.c.id, cases.c.person_id, cases.c.team_id)
            .join(events, events.c.case_id == cases.c.id)
            .where(events.c.id == row.event_id)
        ).first()
        if decided is not None:
            found[decided.person_id] = {
                "team_id": decided.team_id,
                "case_id": decided.id,
                "score": 100,
                "reason": "accepted",
            }
    if not found and row.team_id:
        # A team's lead whose person was purged before leads were erased with them: it
        # stays with that team instead of becoming every team's news.
        found[""] = {"team_id": row.team_id, "case_id": None, "score": 0, "reason": "no_match"}
    for person_id, match in found.items():
        ref = key.person_ref(person_id) if person_id else key.digest("team", row.team_id)
        sealed = {
            "person_id": person_id or None,
            "case_id": match["case_id"],
            "score": match["score"],
            "reason": match["reason"],
        }
        bind.execute(
            lead_matches.insert().values(
                lead_id=row.id,
                person_ref=ref,
                team_id=match["team_id"],
                sealed=key.seal_json(sealed, "lead_matches", "sealed", f"{row.id}|{ref}"),
            )
        )


def downgrade() -> None:
    """Irreversible by design: going back would write names into leads in clear again."""
    raise RuntimeError(
        "the clear lead columns are gone on purpose: restore a backup made before 0010b"
    )
