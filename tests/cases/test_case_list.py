"""Filtering and counting cases."""

from __future__ import annotations

from havenwatch.cases.case_files import CaseFilter, add_case, count_cases, list_cases
from havenwatch.cases.events import add_event
from havenwatch.cases.model import Case, Event, Person
from havenwatch.cases.people import add_person
from havenwatch.store.database import Database


def _cases_with_events(db: Database, types: list[str]) -> list[str]:
    person = add_person(db, Person(pseudonym="Wren"), "t")
    ids = []
    for event_type in types:
        case = add_case(db, Case(person_id=person.id or "", country="RS"), "t")
        add_event(db, Event(case_id=case.id or "", type=event_type), "t")
        ids.append(case.id or "")
    return ids


def test_the_event_type_filter_keeps_cases_with_such_an_event(db: Database) -> None:
    ids = _cases_with_events(db, ["entry_ban", "detention", "entry_ban"])
    found = {case.id for case in list_cases(db, CaseFilter(event_type="entry_ban"))}
    assert found == {ids[0], ids[2]}
    assert count_cases(db, CaseFilter(event_type="entry_ban")) == 2


def test_counting_stops_at_the_limit_it_is_given(db: Database) -> None:
    _cases_with_events(db, ["detention"] * 4)
    assert count_cases(db, at_most=3) == 3
    assert count_cases(db, at_most=10) == 4
