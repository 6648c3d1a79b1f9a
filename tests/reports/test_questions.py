"""Counting for the statistics page: people, cases and events side by side for any question,
within a team's scope, with imprecise dates counted apart and appeals followed to their end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.access.teams import team_id_by_name
from havenwatch.cases.bulk import load_files
from havenwatch.cases.case_files import add_case
from havenwatch.cases.demo import generate
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.core.dates import from_day, parse_fuzzy
from havenwatch.core.errors import ValidationError
from havenwatch.core.model import Case, Event, FuzzyDate, Identity, Person
from havenwatch.reports.questions import Counts, Question, answer, answer_csv, parse_period
from havenwatch.reports.statistics import incident_types
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, events, people

YEAR = Question(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))


def person_case(db: Database, name: str, *, team: str = "a", nationality: str = "RU",
                country: str = "RS") -> str:  # fmt: skip
    person = add_person(
        db,
        Person(
            pseudonym=name, identity=Identity(full_name=name), nationality=nationality, team=team
        ),
        "test",
        scope=Scope.everything(),
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country=country, team=team),
        "test",
        scope=Scope.everything(),
    )
    return case.id or ""


def event(db: Database, case_id: str, kind: str, when: date | FuzzyDate, **fields: object) -> None:
    day = when if isinstance(when, FuzzyDate) else from_day(when)
    add_event(
        db, Event(case_id=case_id, type=kind, date=day, **fields), "test", scope=Scope.everything()
    )  # type: ignore[arg-type]


def team(db: Database, name: str) -> str:
    with db.read() as conn:
        found = team_id_by_name(conn, name)
    assert found is not None
    return found


def test_people_cases_and_events_are_counted_side_by_side(db: Database) -> None:
    first = person_case(db, "Heron")
    second = person_case(db, "Wren")
    event(db, first, "security_designation", date(2025, 3, 3), grounds="national_security")
    event(db, first, "entry_ban", date(2025, 4, 1), grounds="national_security")
    event(db, first, "entry_ban", date(2025, 9, 9))
    event(db, second, "entry_ban", date(2025, 5, 5))
    event(db, second, "entry_ban", date(2024, 12, 31))
    result = answer(db, YEAR, scope=Scope.everything())
    assert (result.total.people, result.total.cases, result.total.events) == (2, 2, 4)
    assert result.by_type["entry_ban"].events == 3 and result.by_type["entry_ban"].people == 2
    security = answer(
        db,
        Question(YEAR.date_from, YEAR.date_to, grounds="national_security"),
        scope=Scope.everything(),
    )
    assert security.total.events == 2 and security.total.people == 1


def test_filters_narrow_by_host_country_nationality_and_type(db: Database) -> None:
    in_serbia = person_case(db, "Heron", nationality="RU", country="RS")
    in_georgia = person_case(db, "Wren", nationality="BY", country="GE")
    event(db, in_serbia, "residence_revoked", date(2025, 2, 2))
    event(db, in_georgia, "residence_revoked", date(2025, 2, 2))
    question = Question(YEAR.date_from, YEAR.date_to, country="RS")
    assert answer(db, question, scope=Scope.everything()).total.events == 1
    question = Question(YEAR.date_from, YEAR.date_to, nationality="BY")
    assert answer(db, question, scope=Scope.everything()).total.cases == 1
    question = Question(YEAR.date_from, YEAR.date_to, event_type="entry_ban")
    assert answer(db, question, scope=Scope.everything()).total.events == 0


def test_a_team_counts_only_its_own_cases(db: Database) -> None:
    event(db, person_case(db, "Heron", team="a"), "entry_ban", date(2025, 1, 9))
    event(db, person_case(db, "Wren", team="b"), "entry_ban", date(2025, 1, 9))
    assert answer(db, YEAR, scope=Scope.teams(team(db, "a"))).total.events == 1
    assert answer(db, YEAR, scope=Scope.teams()).total.events == 0
    assert answer(db, YEAR, scope=Scope.everything()).total.events == 2


def test_an_imprecise_date_is_counted_apart_not_guessed_in(db: Database) -> None:
    case_id = person_case(db, "Heron")
    event(db, case_id, "expulsion_order", parse_fuzzy("2025"))
    event(db, case_id, "expulsion_order", parse_fuzzy("2024-12-20/2025-01-10"))
    quarter = Question(*parse_period("2025-Q1"))
    result = answer(db, quarter, scope=Scope.everything())
    assert result.total.events == 0 and result.not_placed == 2
    assert answer(db, YEAR, scope=Scope.everything()).total.events == 1


def test_appeals_end_with_the_first_decision_after_them(db: Database) -> None:
    granted, rejected, waiting = (person_case(db, name) for name in ("Heron", "Wren", "Kite"))
    event(db, granted, "appeal", date(2025, 3, 1))
    event(db, granted, "court_decision", date(2025, 3, 31), outcome="granted")
    event(db, rejected, "court_decision", date(2025, 1, 5), outcome="granted")
    event(db, rejected, "appeal", date(2025, 2, 1))
    event(db, rejected, "court_decision", date(2025, 4, 2), outcome="rejected")
    event(db, waiting, "appeal", date(2025, 6, 1))
    appeals = answer(db, YEAR, scope=Scope.everything()).appeals
    assert (appeals.appealed, appeals.granted, appeals.rejected, appeals.pending) == (3, 1, 1, 1)
    assert appeals.median_days_to_decision == 45.0


def test_periods_are_years_quarters_and_months() -> None:
    assert parse_period("2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert parse_period("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert parse_period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    for text in ("2025-13", "25", "2025-Q5", "last year"):
        with pytest.raises(ValidationError):
            parse_period(text)


def test_the_csv_holds_each_type_and_the_total(db: Database) -> None:
    event(db, person_case(db, "Heron"), "entry_ban", date(2025, 1, 9))
    lines = answer_csv(
        answer(db, YEAR, scope=Scope.everything()), {"entry_ban": "Entry refused"}
    ).splitlines()
    assert lines[0] == "period_from,period_to,event_type,label,people,cases,events"
    assert lines[1:] == [
        "2025-01-01,2025-12-31,entry_ban,Entry refused,1,1,1",
        "2025-01-01,2025-12-31,all,all,1,1,1",
    ]


def test_every_answer_is_what_the_events_themselves_say(db: Database) -> None:
    load_files(db, generate(300, seed=11, upto=date(2026, 6, 30)), "test")
    rows = recount_rows(db)
    incidents = set(incident_types())
    questions = [
        Question(*parse_period("2025")),
        Question(*parse_period("2025-Q2"), country="RS"),
        Question(*parse_period("2024"), grounds="national_security"),
        Question(*parse_period("2025"), nationality="RU", event_type="entry_ban"),
        Question(date(2024, 3, 10), date(2025, 8, 20), authority="court"),
    ]
    for question in questions:
        result = answer(db, question, scope=Scope.everything())
        chosen = [
            row for row in rows
            if (row["type"] == question.event_type if question.event_type
                else row["type"] in incidents)
            and all(question_value in (None, row[name]) for name, question_value in (
                ("country", question.country), ("grounds", question.grounds),
                ("nationality", question.nationality), ("authority", question.authority)))
        ]  # fmt: skip
        dated = [row for row in chosen if row["first"] is not None and row["last"] is not None]
        inside = [
            row for row in dated
            if question.date_from <= row["first"] and row["last"] <= question.date_to
        ]  # fmt: skip
        straddling = [
            row for row in dated
            if row["last"] >= question.date_from and row["first"] <= question.date_to
            and not (question.date_from <= row["first"] and row["last"] <= question.date_to)
        ]  # fmt: skip
        assert result.total == Counts(
            len({row["person"] for row in inside}), len({row["case"] for row in inside}),
            len(inside),
        ), question  # fmt: skip
        for kind, counts in result.by_type.items():
            of_kind = [row for row in inside if row["type"] == kind]
            assert counts == Counts(len({r["person"] for r in of_kind}),
                                    len({r["case"] for r in of_kind}), len(of_kind))  # fmt: skip
        assert sum(c.events for c in result.by_type.values()) == len(inside)
        assert result.not_placed == len(straddling), question


def recount_rows(db: Database) -> list[dict[str, Any]]:
    """Every event with its case's country and its person, read from the tables themselves."""
    query = (
        select(
            events.c.type, events.c.grounds, events.c.authority, events.c.date_earliest,
            events.c.date_latest, cases.c.id, cases.c.country, cases.c.person_id,
            people.c.nationality,
        )
        .join(cases, cases.c.id == events.c.case_id)
        .join(people, people.c.id == cases.c.person_id)
    )  # fmt: skip
    with db.read() as conn:
        return [
            {"type": r[0], "grounds": r[1], "authority": r[2], "first": r[3], "last": r[4],
             "case": r[5], "country": r[6], "person": r[7], "nationality": r[8]}
            for r in conn.execute(query)
        ]  # fmt: skip
