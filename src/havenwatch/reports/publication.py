"""Published releases: the anonymised counts frozen as numbered, dated versions.

Suppression protects one table; it cannot protect two tables computed a moment apart. If
anyone could pull the release on demand, exporting, waiting for one new person and exporting
again would move a few cells by exactly one and single that person out. So the public and
researchers read only *published* versions: `publish_release` computes the release once,
stores its JSON text as version N with its date, and that text never changes (the table is
append-only). Between two publications every read returns the same bytes; two consecutive
versions differ by everything that happened in between (a month, on the monthly schedule),
not by one person. Only roles that may see the underlying records anyway compute the release
on demand (`reports.public.anonymised_export`).

An optional schedule ("weekly" or "monthly") lets `havenwatch serve` publish by itself: a
version is due when none was published in the current calendar week or month.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError

from havenwatch.core.clock import utcnow
from havenwatch.core.errors import HavenwatchError, NotFoundError
from havenwatch.reports.anonymise import SCHEMES, anonymise
from havenwatch.reports.public import event_records
from havenwatch.reports.release import AnonymisedRelease, Shortfall
from havenwatch.reports.suppression import DEFAULT_K, check_k
from havenwatch.store.database import Database, Unit
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.schema import audit_log, published_releases

SCHEDULE_SETTING = "release_schedule"
SCHEDULES = ("off", "weekly", "monthly")
SCHEDULE_ACTOR = "system:release-schedule"
GENERALISED = "generalised"
SHORTFALLS_KEPT = 100
CHECK_EVERY_SECONDS = 3600.0

log = logging.getLogger(__name__)


class ReleaseError(HavenwatchError):
    """A schedule or version that does not exist."""


@dataclass(frozen=True)
class ReleaseVersion:
    """One published version: its number, when it was published, and its stored JSON text."""

    version: int
    published_at: datetime
    k: int
    document: str
    shortfalls: tuple[Shortfall, ...] = field(default=(), compare=False, repr=False)

    def release(self) -> AnonymisedRelease:
        return AnonymisedRelease.from_json(self.document)

    def to_json(self) -> str:
        return self.document

    def to_csv(self) -> str:
        return self.release().to_csv()


@dataclass(frozen=True)
class ReleaseInfo:
    """What lists of versions show: the number, the time of publication and k."""

    version: int
    published_at: datetime
    k: int


@dataclass(frozen=True)
class Schedule:
    """How often `havenwatch serve` publishes by itself, and at which k."""

    every: str = "off"
    k: int = DEFAULT_K


def _version_of(row: Any) -> ReleaseVersion:
    return ReleaseVersion(row.version, row.published_at, row.k, row.document)


def _latest(conn: Connection) -> ReleaseVersion | None:
    row = conn.execute(
        select(published_releases).order_by(published_releases.c.version.desc()).limit(1)
    ).first()
    return None if row is None else _version_of(row)


def _publish(unit: Unit, k: int, scheme: str = GENERALISED) -> ReleaseVersion:
    now = utcnow()
    number = (unit.conn.execute(select(func.max(published_releases.c.version))).scalar() or 0) + 1
    computed = anonymise(event_records(unit.conn), k, scheme)
    release = computed.as_version(number, now.date().isoformat())
    document = release.to_json()
    unit.conn.execute(
        published_releases.insert().values(version=number, published_at=now, k=k, document=document)
    )
    unit.audit(
        "release.published",
        target_type="release",
        target_id=str(number),
        detail={
            "k": k,
            "published": len(release.counts),
            "suppressed_cells": release.suppressed_cells,
            "suppressed_totals": release.suppressed_totals,
            "scheme": scheme,
            "shortfalls": [asdict(s) for s in computed.shortfalls[:SHORTFALLS_KEPT]],
            "shortfalls_total": len(computed.shortfalls),
        },
    )
    return ReleaseVersion(number, now, k, document, computed.shortfalls)


def publish_release(
    db: Database, *, actor: str, k: int = DEFAULT_K, scheme: str = GENERALISED
) -> ReleaseVersion:
    """Compute the anonymised release now and store it as the next version, for good.

    The returned version carries the shortfalls (what each withheld entry lacks) for the
    publisher; the stored document does not.
    """
    check_k(k)
    if scheme not in SCHEMES:
        raise ReleaseError(f"unknown scheme {scheme!r}: choose one of {', '.join(SCHEMES)}")
    with db.write(actor) as unit:
        return _publish(unit, k, scheme)


def latest_shortfalls(db: Database) -> tuple[int, list[Shortfall]]:
    """What the latest publication could not publish, closest to publishable first, as its
    audit entry recorded it for the publishers (the release itself never says): (how many,
    the first SHORTFALLS_KEPT)."""
    with db.read() as conn:
        detail = conn.execute(
            select(audit_log.c.detail)
            .where(audit_log.c.action == "release.published")
            .order_by(audit_log.c.seq.desc())
            .limit(1)
        ).scalar()
    if not isinstance(detail, dict):
        return 0, []
    kept = [Shortfall(**item) for item in detail.get("shortfalls", [])]
    return int(detail.get("shortfalls_total", len(kept))), kept


def latest_release(db: Database) -> ReleaseVersion | None:
    """The version the public and researchers are served; None before the first publication."""
    with db.read() as conn:
        return _latest(conn)


def release_version(db: Database, version: int) -> ReleaseVersion:
    with db.read() as conn:
        row = conn.execute(
            select(published_releases).where(published_releases.c.version == version)
        ).first()
    if row is None:
        raise NotFoundError(f"no published release {version}")
    return _version_of(row)


def list_releases(db: Database) -> list[ReleaseVersion]:
    """Every published version, newest first (documents included: they are small)."""
    with db.read() as conn:
        rows = conn.execute(
            select(published_releases).order_by(published_releases.c.version.desc())
        )
        return [_version_of(row) for row in rows]


def read_schedule(db: Database) -> Schedule:
    with db.read() as conn:
        value = read_value(conn, SCHEDULE_SETTING)
    if not isinstance(value, dict):
        return Schedule()
    return Schedule(str(value.get("every", "off")), int(value.get("k", DEFAULT_K)))


def set_schedule(db: Database, schedule: Schedule, *, actor: str) -> None:
    if schedule.every not in SCHEDULES:
        raise ReleaseError(
            f"unknown schedule {schedule.every!r}: choose one of {', '.join(SCHEDULES)}"
        )
    check_k(schedule.k)
    value = None if schedule.every == "off" else {"every": schedule.every, "k": schedule.k}
    with db.write(actor, changes_records=False) as unit:
        write_value(unit.conn, SCHEDULE_SETTING, value)
        unit.audit("release.schedule", detail={"every": schedule.every, "k": schedule.k})


def release_due(every: str, last: datetime | None, now: datetime) -> bool:
    """Whether a scheduled version is due: none yet in this calendar week or month."""
    if every == "off":
        return False
    if last is None:
        return True
    if every == "weekly":
        return last.isocalendar()[:2] != now.isocalendar()[:2]
    return (last.year, last.month) != (now.year, now.month)


def publish_if_due(db: Database, *, now: datetime | None = None) -> ReleaseVersion | None:
    """Publish a version when the schedule asks for one; decided under the write lock."""
    schedule = read_schedule(db)
    if schedule.every == "off":
        return None
    with db.write(SCHEDULE_ACTOR) as unit:
        latest = _latest(unit.conn)
        last = None if latest is None else latest.published_at
        if not release_due(schedule.every, last, now or utcnow()):
            return None
        return _publish(unit, schedule.k)


def run_schedule(
    db: Database, stop: threading.Event, interval: float = CHECK_EVERY_SECONDS
) -> None:
    """Check the schedule now and then every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            published = publish_if_due(db)
        except (HavenwatchError, SQLAlchemyError) as error:
            log.warning("scheduled release not published: %s", error)
        else:
            if published is not None:
                log.warning("published anonymised release %s", published.version)
        stop.wait(interval)


def start_schedule(db: Database, interval: float = CHECK_EVERY_SECONDS) -> threading.Event:
    """Run the schedule in a background thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_schedule, args=(db, stop, interval), name="release-schedule", daemon=True
    )
    thread.start()
    return stop
