"""Feeds a team subscribes to, fetched on a schedule into the ingest queue.

A fetch run claims the feeds that are due with a lease in the database (an `UPDATE` that
succeeds for one claimer only), so two `serve` workers, or two machines on one PostgreSQL,
never fetch the same feed at once. For each feed: a conditional GET; the items parsed (RSS,
Atom, JSON Feed); each item not seen before (by a keyed hash of its URL) has its article page
fetched and reduced to text with trafilatura, falling back to the feed's own summary; the
items go through the ordinary ingest path (queue, extraction, leads). The feed's outcome
(last success, last error, counts) is recorded, and one failing feed never stops the others.

Article pages are read by `havenwatch.monitor.reader`, one at a time in the fetching process.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, or_, select

from havenwatch.access.teams import ensure_team
from havenwatch.core.clock import utcnow
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.ids import new_id
from havenwatch.monitor.feeds import FeedError, FeedItem, parse_any_feed
from havenwatch.monitor.fetching import Fetched, Fetcher, FetchError, FetchPolicy
from havenwatch.monitor.ingest import Extractor, Tally, default_extractor, drain
from havenwatch.monitor.queue import enqueue, worker_name
from havenwatch.monitor.reader import news_item
from havenwatch.store.database import Database
from havenwatch.store.schema import AnyRow, feed_items, feeds, teams

LANGUAGES = ("en", "ru", "sr")
INTERVAL = re.compile(r"\A\s*(\d+)\s*([mhd])\s*\Z")
MINUTES_PER_UNIT = {"m": 1, "h": 60, "d": 1440}
SHORTEST_INTERVAL_MINUTES = 5
DEFAULT_LEASE = timedelta(minutes=15)
PAGE_TIME_LIMIT_S = 30.0
SCHEDULE_PAUSE_S = 60.0


@dataclass(frozen=True)
class Feed:
    id: str
    url: str
    language: str | None
    team: str | None
    every_minutes: int
    next_fetch_at: datetime
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    items_seen: int
    items_ingested: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FeedRun:
    """What one fetch of one feed did."""

    feed: Feed
    items: int = 0
    new_items: int = 0
    new_leads: int = 0
    error: str | None = None
    not_modified: bool = False


def parse_interval(text: str) -> int:
    """'30m', '2h' or '1d' as minutes; at least five minutes, so no outlet is hammered."""
    match = INTERVAL.match(text)
    if not match:
        raise ValidationError.of("every", "feed.bad_interval", value=text)
    minutes = int(match.group(1)) * MINUTES_PER_UNIT[match.group(2)]
    if minutes < SHORTEST_INTERVAL_MINUTES:
        raise ValidationError.of("every", "feed.too_often", minutes=SHORTEST_INTERVAL_MINUTES)
    return minutes


def add_feed(
    db: Database,
    url: str,
    actor: str,
    *,
    language: str | None = None,
    team: str | None = None,
    every_minutes: int = 30,
) -> Feed:
    """Subscribe to a feed; it is due at once."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError.of("url", "feed.bad_url")
    if language is not None and language not in LANGUAGES:
        raise ValidationError.of("language", "value.choose", accepted=", ".join(LANGUAGES))
    feed_id, now = new_id(), utcnow()
    with db.write(actor) as unit:
        if unit.conn.execute(select(feeds.c.id).where(feeds.c.url == url.strip())).first():
            raise ValidationError.of("url", "feed.duplicate")
        unit.conn.execute(
            feeds.insert().values(
                id=feed_id,
                url=url.strip(),
                language=language,
                team_id=ensure_team(unit, team) if team else None,
                every_minutes=every_minutes,
                next_fetch_at=now,
                items_seen=0,
                items_ingested=0,
                created_at=now,
            )
        )
        unit.audit("feed.add", target_type="feed", target_id=feed_id)
    return get_feed(db, feed_id)


def get_feed(db: Database, feed_id: str) -> Feed:
    with db.read() as conn:
        row = conn.execute(_feed_query().where(feeds.c.id == feed_id)).first()
    if row is None:
        raise NotFoundError(f"no feed {feed_id}")
    return _feed_from_row(row)


def list_feeds(db: Database) -> list[Feed]:
    with db.read() as conn:
        rows = conn.execute(_feed_query().order_by(feeds.c.created_at, feeds.c.id)).all()
    return [_feed_from_row(row) for row in rows]


def has_feeds(db: Database) -> bool:
    with db.read() as conn:
        return conn.execute(select(feeds.c.id).limit(1)).first() is not None


def remove_feed(db: Database, feed_id: str, actor: str) -> None:
    with db.write(actor) as unit:
        removed = unit.conn.execute(feeds.delete().where(feeds.c.id == feed_id)).rowcount
        if not removed:
            raise NotFoundError(f"no feed {feed_id}")
        unit.audit("feed.remove", target_type="feed", target_id=feed_id)


def make_feed_due(db: Database, feed_id: str, actor: str) -> None:
    """Fetch this feed at the next turn of the schedule (within a minute under `serve`)."""
    with db.write(actor) as unit:
        marked = unit.conn.execute(
            feeds.update().where(feeds.c.id == feed_id).values(next_fetch_at=utcnow())
        ).rowcount
        if not marked:
            raise NotFoundError(f"no feed {feed_id}")
        unit.audit("feed.due", target_type="feed", target_id=feed_id)


def claim_due_feeds(
    db: Database,
    owner: str,
    actor: str,
    *,
    force: bool = False,
    lease: timedelta = DEFAULT_LEASE,
) -> list[Feed]:
    """The feeds due now (every feed with `force`) that this owner alone now holds a lease on."""
    now = utcnow()
    free = or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now)
    due = free if force else free & (feeds.c.next_fetch_at <= now)
    claimed = []
    with db.write(actor) as unit:
        for (feed_id,) in unit.conn.execute(select(feeds.c.id).where(due).order_by(feeds.c.id)):
            taken = unit.conn.execute(
                feeds.update()
                .where((feeds.c.id == feed_id) & free)
                .values(lease_owner=owner, lease_until=now + lease)
            ).rowcount
            if taken:
                claimed.append(feed_id)
    return [get_feed(db, feed_id) for feed_id in claimed]


def fetch_feeds(
    db: Database,
    actor: str,
    *,
    policy: FetchPolicy | None = None,
    force: bool = False,
    extract: Extractor = default_extractor,
    on_feed: Callable[[FeedRun], None] | None = None,
) -> list[FeedRun]:
    """Fetch every feed that is due (or all, with `force`) once; returns what each fetch did."""
    owner = worker_name()
    runs = []
    with Fetcher(policy or FetchPolicy()) as fetcher:
        for feed in claim_due_feeds(db, owner, actor, force=force):
            run = _fetch_one(db, fetcher, feed, actor, owner, extract)
            _record_outcome(db, run, actor, owner)
            runs.append(run)
            if on_feed is not None:
                on_feed(run)
    return runs


def fetch_on_schedule(
    db: Database,
    actor: str,
    *,
    policy: FetchPolicy,
    keep_going: Callable[[], bool],
    on_feed: Callable[[FeedRun], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    pause_s: float = SCHEDULE_PAUSE_S,
) -> None:
    """Fetch the feeds that are due, pause, and again, for as long as `keep_going()` says.

    A run that fails as a whole (the database unreachable for a moment) is reported through
    `on_error` and tried again after the pause: the schedule never dies of one bad minute.
    """
    while keep_going():
        try:
            fetch_feeds(db, actor, policy=policy, on_feed=on_feed)
        except Exception as error:  # the loop outlives any one run
            if on_error is not None:
                on_error(" ".join(str(error).split())[:300] or type(error).__name__)
        deadline = time.monotonic() + pause_s
        while keep_going() and time.monotonic() < deadline:
            time.sleep(min(1.0, pause_s))


def _fetch_one(
    db: Database, fetcher: Fetcher, feed: Feed, actor: str, owner: str, extract: Extractor
) -> FeedRun:
    try:
        answer = fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if not isinstance(answer, Fetched):
            return FeedRun(feed, not_modified=True)
        items = list(parse_any_feed(answer.body))
    except (FetchError, FeedError) as error:
        return FeedRun(feed, error=str(error))
    keyring = db.require_keyring()
    fresh = [(item, _url_key(db, item)) for item in items]
    unseen = _unseen(db, feed, [key for _, key in fresh])
    news = [
        news
        for item, key in fresh
        if key in unseen
        and (news := news_item(fetcher, item, feed_url=feed.url, language=feed.language))
        is not None
    ]
    tally = Tally()
    queued = enqueue(db, news, actor)
    drain(db, keyring, actor, owner, extract, lambda delta, _message: tally.add(delta))
    _mark_seen(db, feed, unseen, actor)
    validated = replace(feed, etag=answer.etag, last_modified=answer.last_modified)
    return FeedRun(validated, items=len(items), new_items=len(queued), new_leads=tally.new_leads)


def _url_key(db: Database, item: FeedItem) -> str:
    """A keyed hash of the item's address (or its text): no article URL is stored in clear."""
    return db.require_keyring().blind_index("feed-item|" + (item.url or item.text))


def _unseen(db: Database, feed: Feed, keys: list[str]) -> set[str]:
    with db.read() as conn:
        seen = set(
            conn.execute(
                select(feed_items.c.url_hash).where(
                    (feed_items.c.feed_id == feed.id) & feed_items.c.url_hash.in_(keys)
                )
            ).scalars()
        )
    return set(keys) - seen


def _mark_seen(db: Database, feed: Feed, keys: set[str], actor: str) -> None:
    if not keys:
        return
    now = utcnow()
    with db.write(actor) as unit:
        unit.conn.execute(
            feed_items.insert(),
            [{"feed_id": feed.id, "url_hash": key, "seen_at": now} for key in sorted(keys)],
        )


def _record_outcome(db: Database, run: FeedRun, actor: str, owner: str) -> None:
    now, feed = utcnow(), run.feed
    values: dict[str, object] = {
        "last_fetched_at": now,
        "next_fetch_at": now + timedelta(minutes=feed.every_minutes),
        "lease_owner": None,
        "lease_until": None,
    }
    if run.error is None:
        values |= {
            "last_success_at": now,
            "last_error": None,
            "etag": feed.etag,
            "last_modified": feed.last_modified,
            "items_seen": feed.items_seen + run.items,
            "items_ingested": feed.items_ingested + run.new_items,
        }
    else:
        values["last_error"] = run.error
    with db.write(actor) as unit:
        unit.conn.execute(
            feeds.update()
            .where((feeds.c.id == feed.id) & (feeds.c.lease_owner == owner))
            .values(**values)
        )
        unit.audit(
            "feed.fetch",
            target_type="feed",
            target_id=feed.id,
            detail={"new_items": run.new_items, "error": run.error is not None},
        )


def _feed_query() -> Select[Any]:
    return select(feeds, teams.c.name.label("team_name")).outerjoin(
        teams, teams.c.id == feeds.c.team_id
    )


def _feed_from_row(row: AnyRow) -> Feed:
    return Feed(
        id=row.id,
        url=row.url,
        language=row.language,
        team=row.team_name,
        every_minutes=row.every_minutes,
        next_fetch_at=row.next_fetch_at,
        last_fetched_at=row.last_fetched_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        items_seen=row.items_seen,
        items_ingested=row.items_ingested,
        etag=row.etag,
        last_modified=row.last_modified,
    )


def feed_summaries(runs: list[FeedRun]) -> Iterator[str]:
    """One line per fetched feed, for the command line and the log."""
    for run in runs:
        if run.error:
            yield f"{run.feed.url}: error: {run.error}"
        elif run.not_modified:
            yield f"{run.feed.url}: not modified"
        else:
            yield (
                f"{run.feed.url}: {run.items} items, {run.new_items} new, {run.new_leads} new leads"
            )
