"""Published releases are frozen: reads between two publications return the same bytes; two
versions one person apart move only entries of at least k people, and no hidden entry's
change can be worked back from them (linear differencing; see docs/anonymisation.md for what
the totals that moved still say about that one person)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from disclosure_attack import differences, pinned
from reidentification_data import Planted, Population, plant, published
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from havenwatch.core.dates import from_day
from havenwatch.reports.publication import (
    ReleaseError,
    Schedule,
    latest_release,
    list_releases,
    publish_if_due,
    publish_release,
    release_due,
    release_version,
    set_schedule,
)
from havenwatch.store.database import Database

K = 10
NEWCOMER = Planted("UA", "ME", "entry_ban", from_day(date(2024, 3, 20)))


def _reads(db: Database) -> tuple[str, str]:
    latest = latest_release(db)
    assert latest is not None
    return latest.to_csv(), latest.to_json()


def test_reads_around_a_new_person_return_identical_bytes_until_the_next_publication(
    population: Population,
) -> None:
    db = population.db
    first = publish_release(db, actor="test", k=K)
    before = _reads(db)

    plant(population, 100, NEWCOMER)

    assert _reads(db) == before
    second = publish_release(db, actor="test", k=K)
    assert (first.version, second.version) == (1, 2)
    assert _reads(db) == (second.to_csv(), second.to_json()) != before
    assert release_version(db, 1).to_json() == before[1]
    assert [v.version for v in list_releases(db)] == [2, 1]
    assert '"version": 2' in second.to_json() and "# version=2\n" in second.to_csv()


def test_two_versions_one_person_apart_pin_no_hidden_change_and_move_only_large_cells(
    population: Population,
) -> None:
    db = population.db
    truth_before = population.tables()
    first = published(publish_release(db, actor="test", k=K, scheme="monthly").release())
    plant(population, 100, NEWCOMER)
    truth_after = population.tables()
    second = published(publish_release(db, actor="test", k=K, scheme="monthly").release())

    newcomer_slice = NEWCOMER.slice_key
    assert truth_after[newcomer_slice].grid[NEWCOMER.cell[1]] < K, "the newcomer is rare"
    for key, after in truth_after.items():
        before = truth_before.get(key)
        if before is None:
            continue
        change = differences(before, after)
        both = {
            position
            for position in change.grid
            if (key, position) in first and (key, position) in second
        }
        for position in both:
            moved = second[key, position] - first[key, position]
            assert moved == change.grid[position]
            if moved:
                assert min(first[key, position], second[key, position]) >= K
        unknowns = sorted(set(change.grid) - both)
        recovered = {p: change.grid[p] for p in pinned(change, unknowns)}
        assert not {p: moved for p, moved in recovered.items() if moved}, key


def test_a_published_version_cannot_be_changed_or_deleted(db: Database) -> None:
    publish_release(db, actor="test", k=K)

    for statement in (
        "UPDATE published_releases SET document = '{}'",
        "DELETE FROM published_releases",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    published_version = release_version(db, 1)
    assert published_version.release().version == 1


def test_nothing_is_served_before_the_first_publication(db: Database) -> None:
    assert latest_release(db) is None
    assert list_releases(db) == []


@pytest.mark.parametrize(
    ("every", "last", "now", "due"),
    [
        ("off", None, datetime(2026, 5, 1), False),
        ("monthly", None, datetime(2026, 5, 1), True),
        ("monthly", datetime(2026, 5, 1), datetime(2026, 5, 31, 23), False),
        ("monthly", datetime(2026, 5, 31), datetime(2026, 6, 1), True),
        ("weekly", datetime(2026, 5, 4), datetime(2026, 5, 10), False),
        ("weekly", datetime(2026, 5, 10), datetime(2026, 5, 11), True),
    ],
)
def test_a_scheduled_version_is_due_once_per_calendar_week_or_month(
    every: str, last: datetime | None, now: datetime, due: bool
) -> None:
    assert release_due(every, last, now) is due


def test_the_schedule_publishes_once_a_month_and_not_at_all_when_off(db: Database) -> None:
    assert publish_if_due(db) is None

    set_schedule(db, Schedule("monthly", 12), actor="test")
    scheduled = publish_if_due(db)
    assert scheduled is not None and (scheduled.version, scheduled.k) == (1, 12)
    assert publish_if_due(db) is None
    later = datetime(scheduled.published_at.year + 1, 1, 15)
    again = publish_if_due(db, now=later)
    assert again is not None and again.version == 2


def test_an_unknown_schedule_is_refused(db: Database) -> None:
    with pytest.raises(ReleaseError, match="unknown schedule"):
        set_schedule(db, Schedule("hourly"), actor="test")
