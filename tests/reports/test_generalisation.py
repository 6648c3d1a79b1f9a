"""Publishable at an NGO's scale: each event type is published at the finest level (month,
year or the whole record; nationality, OTHER or totals; country, region or totals) at which every
published entry covers at least k people; what cannot be published is told to the publisher as
"N more people"; and two consecutive releases around one new person give nothing to difference.

The truth is recounted here from the events table and generalised by this file's own code, not
by the export's."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from importlib import resources

from click.testing import CliRunner
from disclosure_attack import differences, pinned
from reidentification_data import Planted, Population, plant
from sqlalchemy import select

from havenwatch.cases.bulk import load_files
from havenwatch.cases.demo import DEMO_CASES, generate
from havenwatch.cli import cli
from havenwatch.core.dates import from_day
from havenwatch.core.settings import Settings
from havenwatch.reports.anonymise import EventRecord, anonymise
from havenwatch.reports.open_data import codebook
from havenwatch.reports.publication import publish_release
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.reports.suppression import TOTAL, CountTable
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people

K = 10
NEWCOMER = Planted("UA", "ME", "entry_ban", from_day(date(2024, 3, 20)), grounds="documents")
Entry = tuple[tuple[str, str], tuple[str, str]]  # (event type, period), (nationality, host)


def _regions() -> dict[str, str]:
    text = resources.files("havenwatch.reports").joinpath("generalisation.json").read_text()
    table = json.loads(text)["regions"]
    return {c: region for region, cs in table.items() if region[0] != "_" for c in cs}


def _period(first: date | None, last: date | None, time: str) -> str:
    if time == "all":
        return "all"
    if first is None or last is None or first.year != last.year:
        return "unknown"
    if time == "year" or first.month != last.month:
        return f"{first.year:04d}"
    return f"{first.year:04d}-{first.month:02d}"


def truth_at(db: Database, levels: dict[str, str]) -> dict[tuple[str, str], CountTable]:
    """Each published slice's true table, generalised the way the release says it was."""
    query = (
        select(
            cases.c.person_id, people.c.nationality, cases.c.country, events.c.type,
            events.c.date_earliest, events.c.date_latest,
        )
        .join(cases, cases.c.id == events.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
    )  # fmt: skip
    with db.read() as conn:
        rows = conn.execute(query).all()
    nationals: dict[tuple[str, str], set[str]] = defaultdict(set)
    for person, nationality, _country, kind, _first, _last in rows:
        nationals[kind, nationality or "unknown"].add(person)
    regions = _regions()
    who: dict[tuple[str, str], dict[tuple[str, str], set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for person, nationality, country, kind, first, last in rows:
        time, by_nationality, by_host = levels[kind].split("/")
        code = nationality or "unknown"
        row = {
            "code": code,
            "other": code if len(nationals[kind, code]) >= K else "OTHER",
            "none": "*",
        }[by_nationality]
        column = {
            "country": country,
            "region": regions.get(country, "OTHER_REGION"),
            "none": "*",
        }[by_host]
        who[kind, _period(first, last, time)][row, column].add(person)
    return {
        key: CountTable({cell: len(ids) for cell, ids in cells.items()})
        for key, cells in who.items()
    }


def grounds_truth_at(db: Database, levels: dict[str, str]) -> dict[tuple[str, str], CountTable]:
    """Each published slice's people per grounds (a lone column '*'), recounted from the
    events at the period the release says each type was published at."""
    query = select(
        cases.c.person_id, events.c.type, events.c.grounds, events.c.date_earliest,
        events.c.date_latest,
    ).join(cases, cases.c.id == events.c.case_id)  # fmt: skip
    who: dict[tuple[str, str], dict[tuple[str, str], set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    with db.read() as conn:
        for person, kind, grounds, first, last in conn.execute(query):
            period = _period(first, last, levels[kind].split("/")[0])
            who[kind, period][grounds or "unknown", "*"].add(person)
    return {
        key: CountTable({cell: len(ids) for cell, ids in cells.items()})
        for key, cells in who.items()
    }


def shown(release: AnonymisedRelease) -> dict[Entry, int]:
    return {
        ((c.event_type, c.period), (c.nationality, c.host_country)): c.people
        for c in release.counts
        if c.grounds == TOTAL
    }


def shown_grounds(release: AnonymisedRelease) -> dict[Entry, int]:
    """Published grounds rows, at the position of their row in the grounds table."""
    return {
        ((c.event_type, c.period), (c.grounds, TOTAL)): c.people
        for c in release.counts
        if c.grounds != TOTAL
    }


def test_the_demo_publishes_a_yearly_release_at_k_10(db: Database) -> None:
    load_files(db, generate(DEMO_CASES, seed=2024, upto=date(2026, 12, 7)), "demo")

    release = publish_release(db, actor="test", k=K).release()

    yearly = [c for c in release.counts if c.period_precision == "year"]
    assert yearly, "the demo's default caseload publishes yearly figures"
    assert all(c.people >= K for c in release.counts)
    truth = truth_at(db, dict(release.levels))
    for (key, position), value in shown(release).items():
        row, column = position
        true = truth[key].grid
        assert value == true.get(position, true.get(("*" if row == TOTAL else row, column)))
    by_grounds = grounds_truth_at(db, dict(release.levels))
    grounds = shown_grounds(release)
    assert grounds, "the demo's default caseload publishes figures per grounds"
    for (key, position), value in grounds.items():
        assert value == by_grounds[key].grid[position] >= K
        assert (key, (TOTAL, TOTAL)) in shown(release), "grounds only of a published slice"


def test_the_finest_level_where_every_entry_has_k_people_is_chosen() -> None:
    spread = [
        EventRecord(f"p{n}", "RU", "RS", "detention", date(2024, 1 + n % 12, 5), None)
        for n in range(12)
    ]
    records = [
        EventRecord(
            r.person_key, r.nationality, r.host_country, r.event_type, r.earliest, r.earliest
        )
        for r in spread
    ]
    mixed = [
        *records,
        EventRecord("by", "BY", "GE", "detention", date(2024, 6, 1), date(2024, 6, 1)),
    ]

    alone = anonymise(records, K, "generalised")
    with_one_more = anonymise(mixed, K, "generalised")

    assert dict(alone.levels) == {"detention": "year/code/country"}
    assert {(c.period, c.nationality, c.host_country, c.grounds, c.people) for c in alone.counts} == {
        ("2024", "RU", "RS", "ALL", 12), ("2024", "RU", "ALL", "ALL", 12),
        ("2024", "ALL", "RS", "ALL", 12), ("2024", "ALL", "ALL", "ALL", 12),
        ("2024", "ALL", "ALL", "unknown", 12),
    }  # fmt: skip
    assert dict(with_one_more.levels) == {"detention": "year/none/none"}
    assert [
        (c.period, c.nationality, c.host_country, c.people)
        for c in with_one_more.counts
        if c.grounds == TOTAL
    ] == [("2024", "ALL", "ALL", 13)]
    assert with_one_more.shortfalls == ()


def test_what_cannot_be_published_says_how_many_more_people_it_needs(
    db: Database, instance_settings: Settings
) -> None:
    load_files(db, generate(16, seed=2024, upto=date(2026, 12, 7)), "demo")

    result = CliRunner().invoke(
        cli,
        [
            "--data-dir", str(instance_settings.data_dir),
            "--database-url", instance_settings.database_url,
            "--key-file", str(instance_settings.key_file),
            "release", "publish", "--k", "10",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "more people would make this cell publishable" in result.output
    assert "entry_ban, all, nationality ALL, host ALL: 9 more people" in result.output


def test_two_generalised_releases_one_person_apart_give_nothing_to_difference(
    population: Population,
) -> None:
    db = population.db
    first = publish_release(db, actor="test", k=K).release()
    truth_before = truth_at(db, dict(first.levels))
    plant(population, 100, NEWCOMER)
    second = publish_release(db, actor="test", k=K).release()
    truth_after = truth_at(db, dict(second.levels))

    assert first.levels == second.levels, "one person does not move a type to another level"
    before, after = shown(first), shown(second)
    for key, table in truth_after.items():
        change = differences(truth_before.get(key, CountTable({})), table)
        known = {p for p in change.grid if (key, p) in before and (key, p) in after}
        for position in known:
            moved = after[key, position] - before[key, position]
            assert moved == change.grid[position]
            if moved:
                assert min(before[key, position], after[key, position]) >= K
        unknowns = sorted(set(change.grid) - known)
        recovered = {_as_published(p) for p in pinned(change, unknowns) if change.grid[p]}
        assert not {p for p in recovered if p not in known}, key

    grounds_before = grounds_truth_at(db, dict(first.levels))
    grounds_after = grounds_truth_at(db, dict(second.levels))
    published_before, published_after = shown_grounds(first), shown_grounds(second)
    assert published_after, "the releases publish grounds rows"
    moved_slices = set()
    for key, table in grounds_after.items():
        change = differences(grounds_before.get(key, CountTable({})), table)
        # The attacker knows every grounds row published in both versions, and the slice's
        # total (each person counted once) wherever the main table published it both times.
        known = {
            p for p in change.grid if (key, p) in published_before and (key, p) in published_after
        }
        if (key, (TOTAL, TOTAL)) in before and (key, (TOTAL, TOTAL)) in after:
            known.add((TOTAL, TOTAL))
        for position in known - {(TOTAL, TOTAL)}:
            moved = published_after[key, position] - published_before[key, position]
            assert moved == change.grid[position]
            if moved:
                moved_slices.add(key)
                assert min(published_before[key, position], published_after[key, position]) >= K
        unknowns = sorted(set(change.grid) - known)
        recovered = {_as_published(p) for p in pinned(change, unknowns) if change.grid[p]}
        assert not {p for p in recovered if p not in known}, key
        assert not {p for p in table.grid if (key, p) in published_after and table.grid[p] < K}, key


def _as_published(position: tuple[str, str]) -> tuple[str, str]:
    """A lone row or column of a dimension published as totals only stands for its total."""
    row, column = position
    return (TOTAL if row == "*" else row, TOTAL if column == "*" else column)


def test_rare_nationalities_become_other_and_countries_regions_with_the_codebook_saying_so() -> (
    None
):
    people = [("RU", "RS")] * 6 + [("RU", "ME")] * 6 + [("BY", "RS")] * 5 + [("UA", "ME")] * 5
    day = date(2025, 1, 20)
    records = [
        EventRecord(f"p{n}", nationality, host, "detention", day, day)
        for n, (nationality, host) in enumerate(people)
    ]

    release = anonymise(records, K, "generalised")

    assert dict(release.levels) == {"detention": "month/other/region"}
    assert {(c.nationality, c.host_country, c.people) for c in release.counts} == {
        ("RU", "WESTERN_BALKANS", 12), ("OTHER", "WESTERN_BALKANS", 10), ("RU", "ALL", 12),
        ("OTHER", "ALL", 10), ("ALL", "WESTERN_BALKANS", 22), ("ALL", "ALL", 22),
    }  # fmt: skip
    explained = {(entry.field, entry.code) for entry in codebook()}
    assert {("nationality", "OTHER"), ("host_country", "WESTERN_BALKANS")} <= explained
