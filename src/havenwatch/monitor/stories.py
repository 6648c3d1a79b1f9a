"""Stories in the database: which stored source a new report near-duplicates, by LSH bucket.

A new report's band buckets (`havenwatch.monitor.dedup.band_buckets`) are looked up in
`story_buckets` through its primary key; only the sources found there are compared on their
whole signature. The work per report is bounded (`CANDIDATE_LIMIT`), whatever the size of
the archive.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from havenwatch.monitor import dedup
from havenwatch.store.bulk import insert_rows
from havenwatch.store.schema import sources, story_buckets

CANDIDATE_LIMIT = 200


def nearest_story(conn: Connection, signature: Sequence[int]) -> str | None:
    """The story of the most similar stored source, if one is similar enough."""
    if tuple(signature) == dedup.EMPTY_SIGNATURE:
        return None
    candidates = conn.execute(
        select(sources.c.story_id, sources.c.minhash, sources.c.id)
        .where(
            sources.c.id.in_(
                select(story_buckets.c.source_id)
                .where(story_buckets.c.bucket.in_(dedup.band_buckets(signature)))
                .limit(CANDIDATE_LIMIT)
            )
        )
        .order_by(sources.c.id)
    ).all()
    best_story, best_similarity = None, 0.0
    for row in candidates:
        if row.minhash is None:
            continue
        other = dedup.from_bytes(row.minhash)
        score = dedup.similarity(signature, other)
        if dedup.same_story(signature, other) and score > best_similarity:
            best_story, best_similarity = row.story_id, score
    return best_story


def add_buckets(conn: Connection, source_id: str, signature: Sequence[int]) -> None:
    """Index a stored source's bands so later reports can find it."""
    if tuple(signature) == dedup.EMPTY_SIGNATURE:
        return
    buckets = sorted(set(dedup.band_buckets(signature)))
    insert_rows(
        conn, story_buckets, [{"bucket": bucket, "source_id": source_id} for bucket in buckets]
    )
