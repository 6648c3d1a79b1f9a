"""Feeds fetched on a schedule: `feeds` (URL, schedule, conditional-GET validators, last
outcome, a lease so one fetcher at a time takes a feed) and `feed_items` (the keyed hash of
each item URL already read, so an article page is fetched once).

Revision ID: 0010e_feeds
Revises: 0010c_release_published_releases
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010e_feeds"
down_revision = "0010c_release_published_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("next_fetch_at", sa.DateTime(), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.Column("items_ingested", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_feeds_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_feeds_url")),
    )
    op.create_index("ix_feeds_next_fetch_at", "feeds", ["next_fetch_at"], unique=False)
    op.create_table(
        "feed_items",
        sa.Column("feed_id", sa.String(length=32), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["feeds.id"],
            name=op.f("fk_feed_items_feed_id_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("feed_id", "url_hash", name=op.f("pk_feed_items")),
    )


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_next_fetch_at", table_name="feeds")
    op.drop_table("feeds")
