"""Filtering and counting cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.bulk import load_files
from havenwatch.cases.case_files import (
    CASE_ORDERS,
    CaseCursor,
    CaseFilter,
    add_case,
    count_cases,
    list_cases,
    page_of_cases,
)
from havenwatch.cases.demo import generate
from havenwatch.cases.events import add_event, update_event
from havenwatch.cases.people import add_person
from havenwatch.core.model import Case, Event, Person
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events


def _cases_with_events(db: Database, types: list[str]) -> list[str]:
    person = add_person(db, Person(pseudonym="Wren"), "t", scope=Scope.everything())
    ids = []
    for event_type in types:
        case = add_case(
            db, Case(person_id=person.id or "", country="RS"), "t", scope=Scope.everything()
        )
        add_event(db, Event(case_id=case.id or "", type=event_type), "t", scope=Scope.everything())
        ids.append(case.id or "")
    return ids


def test_the_event_type_filter_keeps_cases_with_such_an_event(db: Database) -> None:
    ids = _cases_with_events(db, ["entry_ban", "detention", "entry_ban"])
    found = {
        case.id
        for case in list_cases(db, CaseFilter(event_type="entry_ban"), scope=Scope.everything())
    }
    assert found == {ids[0], ids[2]}
    assert count_cases(db, CaseFilter(event_type="entry_ban"), scope=Scope.everything()) == 2


def test_counting_stops_at_the_limit_it_is_given(db: Database) -> None:
    _cases_with_events(db, ["detention"] * 4)
    assert count_cases(db, at_most=3, scope=Scope.everything()) == 3
    assert count_cases(db, at_most=10, scope=Scope.everything()) == 4


def test_the_event_type_filter_follows_an_event_whose_type_changes(db: Database) -> None:
    person = add_person(db, Person(pseudonym="Wren"), "t", scope=Scope.everything())
    case = add_case(
        db, Case(person_id=person.id or "", country="RS"), "t", scope=Scope.everything()
    )
    event = add_event(
        db, Event(case_id=case.id or "", type="detention"), "t", scope=Scope.everything()
    )
    event.type = "entry_ban"
    update_event(db, event, "t", scope=Scope.everything())
    assert [
        c.id for c in list_cases(db, CaseFilter(event_type="entry_ban"), scope=Scope.everything())
    ] == [case.id]
    assert list_cases(db, CaseFilter(event_type="detention"), scope=Scope.everything()) == []


def test_the_event_type_filter_forgets_a_deleted_event(db: Database) -> None:
    [case_id] = _cases_with_events(db, ["entry_ban"])
    add_event(db, Event(case_id=case_id, type="appeal"), "t", scope=Scope.everything())
    with db.write("t") as unit:
        unit.conn.execute(events.delete().where(events.c.type == "entry_ban"))
    assert list_cases(db, CaseFilter(event_type="entry_ban"), scope=Scope.everything()) == []
    assert [
        c.id for c in list_cases(db, CaseFilter(event_type="appeal"), scope=Scope.everything())
    ] == [case_id]


def test_an_event_type_is_matched_whole_never_as_part_of_another(db: Database) -> None:
    _cases_with_events(db, ["asylum_decision"])
    assert list_cases(db, CaseFilter(event_type="asylum"), scope=Scope.everything()) == []
    assert list_cases(db, CaseFilter(event_type="asylum_decisio"), scope=Scope.everything()) == []
    assert list_cases(db, CaseFilter(event_type="asylum%"), scope=Scope.everything()) == []


def test_bulk_loaded_events_are_filterable(db: Database) -> None:
    load_files(db, generate(12, seed=5), "t")
    with db.read() as conn:
        expected = set(
            conn.execute(select(events.c.case_id).where(events.c.type == "appeal")).scalars()
        )
    found = {
        c.id
        for c in list_cases(
            db, CaseFilter(event_type="appeal"), limit=100, scope=Scope.everything()
        )
    }
    assert found == expected and expected


def test_a_page_of_cases_counts_and_lists_in_one_walk(db: Database) -> None:
    ids = _cases_with_events(db, ["detention"] * 7)
    newest_first = list(reversed(ids))
    first = page_of_cases(
        db, CaseFilter(), offset=0, size=3, count_until=6, scope=Scope.everything()
    )
    assert first.matching == 6
    assert [c.id for c in first.cases] == [
        c.id for c in list_cases(db, limit=3, scope=Scope.everything())
    ]
    last = page_of_cases(
        db, CaseFilter(), offset=6, size=3, count_until=8, scope=Scope.everything()
    )
    assert last.matching == 7 and last.offset == 6
    assert {c.id for c in last.cases} <= set(newest_first)


def test_a_page_past_the_end_shows_the_last_page(db: Database) -> None:
    _cases_with_events(db, ["detention"] * 5)
    page = page_of_cases(
        db, CaseFilter(), offset=50, size=2, count_until=100, scope=Scope.everything()
    )
    assert page.offset == 4 and len(page.cases) == 1


def test_a_page_of_nothing_is_empty(db: Database) -> None:
    page = page_of_cases(
        db,
        CaseFilter(event_type="entry_ban"),
        offset=0,
        size=50,
        count_until=51,
        scope=Scope.everything(),
    )
    assert page.cases == [] and page.matching == 0


def _cases_opened_on(db: Database, days: list[date | None]) -> list[str]:
    """Cases opened on each of ``days`` (None: a case recorded without an opening day)."""
    person = add_person(db, Person(pseudonym="Wren"), "t", scope=Scope.everything())
    ids = []
    for day in days:
        case = add_case(
            db,
            Case(person_id=person.id or "", country="RS", opened_on=day),
            "t",
            scope=Scope.everything(),
        )
        ids.append(case.id or "")
    undated = [case_id for case_id, day in zip(ids, days, strict=True) if day is None]
    with db.write("t") as unit:
        unit.conn.execute(cases.update().where(cases.c.id.in_(undated)).values(opened_on=None))
    return ids


def _pages_by_cursor(db: Database, order: str, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        offset = len(pages) * size
        page = page_of_cases(
            db,
            CaseFilter(),
            offset=offset,
            size=size,
            count_until=offset + size + 1,
            order=order,
            after=cursor,
            scope=Scope.everything(),
        )
        pages.append([case.id or "" for case in page.cases])
        if page.next_cursor is None:
            return pages
        cursor = CaseCursor.parse(page.next_cursor.text())


def test_following_the_cursor_gives_the_pages_counted_from_the_start_in_both_orders(
    db: Database,
) -> None:
    same_day = date(2024, 5, 1)
    days = [same_day, None, date(2023, 1, 9), same_day, None, same_day, date(2025, 2, 2), None]
    _cases_opened_on(db, days)
    for order in CASE_ORDERS:
        by_cursor = _pages_by_cursor(db, order, size=3)
        by_offset = [
            [
                case.id or ""
                for case in page_of_cases(
                    db,
                    CaseFilter(),
                    offset=offset,
                    size=3,
                    count_until=100,
                    order=order,
                    scope=Scope.everything(),
                ).cases
            ]
            for offset in (0, 3, 6)
        ]
        assert by_cursor == by_offset, order
        assert sorted(c for page in by_cursor for c in page) == sorted(_all_case_ids(db))


def test_cases_without_an_opening_day_come_last_on_both_databases(db: Database) -> None:
    ids = _cases_opened_on(db, [None, date(2024, 5, 1), date(2025, 1, 1)])
    page = page_of_cases(
        db, CaseFilter(), offset=0, size=10, count_until=11, scope=Scope.everything()
    )
    assert [case.id for case in page.cases] == [ids[2], ids[1], ids[0]]


def test_a_cursor_made_for_the_other_order_or_past_every_case_starts_from_the_offset(
    db: Database,
) -> None:
    ids = _cases_opened_on(db, [date(2024, 5, day) for day in range(1, 6)])
    other = CaseCursor("next_deadline", None, ids[4])
    stale = CaseCursor("opened", date(1990, 1, 1), "0")
    for cursor in (other, stale):
        page = page_of_cases(
            db,
            CaseFilter(),
            offset=2,
            size=2,
            count_until=10,
            after=cursor,
            scope=Scope.everything(),
        )
        assert [case.id for case in page.cases] == [ids[2], ids[1]]
        assert page.matching == 5


def _all_case_ids(db: Database) -> list[str]:
    with db.read() as conn:
        return [str(case_id) for case_id in conn.execute(select(cases.c.id)).scalars()]
