"""Retention: purge people whose cases have all been closed for longer than a set period.

The period is the instance setting `retention.closed_case_days` (off when absent). A person
with any open case, or any case closed more recently, is kept.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, exists, not_, or_, select

from havenwatch.core.clock import today
from havenwatch.core.errors import ValidationError
from havenwatch.core.settings import Settings
from havenwatch.operations.purge import PurgeReport, purge_people
from havenwatch.store.database import Database
from havenwatch.store.instance_values import read_value, write_value
from havenwatch.store.schema import cases, people

RETENTION_KEY = "retention.closed_case_days"
MIN_RETENTION_DAYS = 1


def retention_days(db: Database) -> int | None:
    with db.read() as conn:
        value = read_value(conn, RETENTION_KEY)
    return int(value) if value is not None else None


def set_retention_days(db: Database, days: int | None, actor: str) -> None:
    """Set the retention period in days, or switch retention off with None."""
    if days is not None and days < MIN_RETENTION_DAYS:
        raise ValidationError.of("days", "retention.minimum", days=MIN_RETENTION_DAYS)
    with db.write(actor) as unit:
        write_value(unit.conn, RETENTION_KEY, days)
        unit.audit("retention.set", detail={"closed_case_days": days})


def people_due(db: Database, closed_for_days: int, *, on: date | None = None) -> list[str]:
    """People, not yet purged, with at least one case and every case closed before the cutoff."""
    cutoff = (on or today()) - timedelta(days=closed_for_days)
    still_kept = exists().where(
        cases.c.person_id == people.c.id,
        or_(cases.c.closed_on.is_(None), cases.c.closed_on > cutoff, cases.c.status == "open"),
    )
    has_case = exists().where(cases.c.person_id == people.c.id)
    query = (
        select(people.c.id)
        .where(and_(people.c.purged_at.is_(None), has_case, not_(still_kept)))
        .order_by(people.c.id)
    )
    with db.read() as conn:
        return [str(person_id) for person_id in conn.execute(query).scalars()]


def apply_retention(
    db: Database,
    settings: Settings,
    actor: str,
    *,
    closed_for_days: int | None = None,
    passphrase: str | None = None,
) -> PurgeReport:
    """Purge everyone due under the given period, or the configured one."""
    days = closed_for_days if closed_for_days is not None else retention_days(db)
    if days is None:
        raise ValidationError.of("retention", "retention.off")
    if days < MIN_RETENTION_DAYS:
        raise ValidationError.of("closed_for_days", "retention.minimum", days=MIN_RETENTION_DAYS)
    return purge_people(db, settings, people_due(db, days), actor, passphrase=passphrase)
