"""`event_facts` is kept by the database itself: after every kind of write (an event added,
edited, deleted; a case moved to another team, country or person; a nationality corrected; a
case deleted with its events) it holds exactly what events joined to cases and people say."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event, delete_event, update_event
from havenwatch.cases.people import add_person, get_person, update_person
from havenwatch.core.dates import from_day, parse_fuzzy
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.store.database import Database
from havenwatch.store.schema import cases, event_facts, events, people

EVERYTHING = Scope.everything()
FIELDS = (
    "team_id", "country", "nationality", "person_id", "case_id", "type", "grounds", "authority",
    "date_earliest", "date_latest", "outcome",
)  # fmt: skip


def recomputed(db: Database) -> dict[str, tuple[object, ...]]:
    """What the facts should be, from the tables they are derived from."""
    query = select(
        events.c.id, cases.c.team_id, cases.c.country, people.c.nationality, cases.c.person_id,
        events.c.case_id, events.c.type, events.c.grounds, events.c.authority,
        events.c.date_earliest, events.c.date_latest, events.c.outcome,
    ).join(cases, cases.c.id == events.c.case_id).join(people, people.c.id == cases.c.person_id)  # fmt: skip
    with db.read() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


def stored(db: Database) -> dict[str, tuple[object, ...]]:
    columns = [event_facts.c[name] for name in FIELDS]
    with db.read() as conn:
        return {
            row[0]: tuple(row[1:]) for row in conn.execute(select(event_facts.c.event_id, *columns))
        }


def person_with_case(db: Database, name: str, nationality: str, country: str) -> tuple[str, str]:
    person = add_person(
        db, Person(pseudonym=name, identity=Identity(full_name=name), nationality=nationality,
                   team="a"), "test", scope=EVERYTHING,
    )  # fmt: skip
    case = add_case(
        db, Case(person_id=person.id or "", country=country, team="a"), "test", scope=EVERYTHING
    )
    return person.id or "", case.id or ""


def test_the_facts_follow_every_write_to_events_cases_and_people(db: Database) -> None:
    heron, heron_case = person_with_case(db, "Heron", "RU", "RS")
    _, kite_case = person_with_case(db, "Kite", "BY", "GE")
    ban = add_event(
        db, Event(case_id=heron_case, type="entry_ban", date=from_day(date(2025, 3, 3)),
                  grounds="national_security", authority="border_police"), "test", scope=EVERYTHING,
    )  # fmt: skip
    add_event(db, Event(case_id=heron_case, type="appeal", date=parse_fuzzy("2025-04")), "test",
              scope=EVERYTHING)  # fmt: skip
    decision = add_event(
        db, Event(case_id=kite_case, type="court_decision", date=from_day(date(2025, 5, 9)),
                  outcome="rejected"), "test", scope=EVERYTHING,
    )  # fmt: skip
    assert stored(db) == recomputed(db) and len(stored(db)) == 3

    update_event(db, replace(ban, type="detention", grounds="public_order",
                             date=parse_fuzzy("2024")), "test", scope=EVERYTHING)  # fmt: skip
    update_event(db, replace(decision, outcome="granted"), "test", scope=EVERYTHING)
    assert stored(db) == recomputed(db)
    assert stored(db)[ban.id or ""][FIELDS.index("grounds")] == "public_order"

    person = get_person(db, heron, scope=EVERYTHING, actor="test")
    update_person(db, replace(person, nationality="UA"), "test", scope=EVERYTHING)
    with db.write("test") as unit:  # a restore or another service moving a case
        unit.conn.execute(
            cases.update().where(cases.c.id == kite_case).values(country="AM", person_id=heron)
        )
    assert stored(db) == recomputed(db)
    assert {fact[FIELDS.index("nationality")] for fact in stored(db).values()} == {"UA"}

    delete_event(db, kite_case, decision.id or "", "test", scope=EVERYTHING)
    assert stored(db) == recomputed(db) and len(stored(db)) == 2
    with db.write("test") as unit:
        unit.conn.execute(events.delete().where(events.c.case_id == heron_case))
    assert stored(db) == {} == recomputed(db)
