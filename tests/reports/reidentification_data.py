"""Demo cases plus planted rare people, and the truth about who is in which cell.

The ground truth is computed here from what the tests inserted, independently of the export
code's database query, so the export is joined against the real data, not against itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from havenwatch.access.scope import Scope
from havenwatch.cases.bulk import load_files
from havenwatch.cases.case_files import add_case
from havenwatch.cases.deadlines import rules_for
from havenwatch.cases.demo import generate
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.core.dates import FuzzyDate, from_day, parse_fuzzy
from havenwatch.core.model import Case, Event, Identity, Person
from havenwatch.reports.release import AnonymisedRelease
from havenwatch.reports.suppression import CountTable
from havenwatch.store.database import Database

DEMO_CASES = 1500
CONSENT_NONE_CROWD = 12

SliceKey = tuple[str, str, str]  # event type, period, precision
Entry = tuple[SliceKey, tuple[str, str]]

CANARIES = (
    "Zanzibar Canarywing",
    "Занзибар Канарейкин",
    "CANARYDOC-778899",
    "Canary Street 7",
    "+381 60 000 0001",
    "CANARY-IDENTITY-NOTE",
    "CANARY-CASE-NOTE",
    "CANARY-CASE-TITLE",
    "canary-tag",
    "CANARY-EVENT-NOTE",
    "CANARY-DECISION-42",
    "Canary Pseudonym",
)


@dataclass(frozen=True)
class Planted:
    """One invented person with a rare combination, and the cell that combination falls in."""

    nationality: str
    country: str
    event_type: str
    when: FuzzyDate
    consent: str = "anonymised"
    grounds: str | None = None

    @property
    def slice_key(self) -> SliceKey:
        return (self.event_type, *period(self.when))

    @property
    def cell(self) -> Entry:
        return self.slice_key, (self.nationality, self.country)


RARE = (
    Planted("UA", "ME", "entry_ban", from_day(date(2024, 3, 14))),
    Planted("AZ", "RS", "detention", from_day(date(2023, 7, 2))),
    Planted("BY", "AM", "extradition_request", parse_fuzzy("2024")),
    Planted("KG", "GE", "deportation", parse_fuzzy("2023-11/2024-02")),
)
CROWD = tuple(
    Planted("RU", "KZ", "asylum_decision", from_day(date(2025, 6, 3 + n)), consent="none")
    for n in range(CONSENT_NONE_CROWD)
)


def period(when: FuzzyDate | None) -> tuple[str, str]:
    if when is not None and when.month_key:
        return when.month_key, "month"
    if when and when.earliest and when.latest and when.earliest.year == when.latest.year:
        return str(when.earliest.year), "year"
    return "unknown", "unknown"


@dataclass
class Population:
    db: Database
    people: dict[Entry, set[str]] = field(default_factory=lambda: defaultdict(set))
    identifiers: set[str] = field(default_factory=set)

    def add(self, person_id: str, nationality: str | None, country: str, event: Event) -> None:
        key = (event.type, *period(event.date))
        self.people[(key, (nationality or "unknown", country))].add(person_id)

    def tables(self) -> dict[SliceKey, CountTable]:
        cells: dict[SliceKey, dict[tuple[str, str], int]] = defaultdict(dict)
        for (key, position), who in self.people.items():
            cells[key][position] = len(who)
        return {key: CountTable(value) for key, value in cells.items()}


def published(release: AnonymisedRelease) -> dict[Entry, int]:
    return {
        ((c.event_type, c.period, c.period_precision), (c.nationality, c.host_country)): c.people
        for c in release.counts
        if c.grounds == "ALL"  # the grounds breakdown is checked in test_generalisation.py
    }


def _plant(db: Database, number: int, planted: Planted) -> tuple[str, Event, Iterable[str]]:
    person = add_person(
        db,
        Person(
            pseudonym=f"Canary Pseudonym {number}",
            identity=Identity(
                full_name="Zanzibar Canarywing",
                other_names=["Занзибар Канарейкин"],
                date_of_birth=date(1990, 1, 1),
                contact="+381 60 000 0001",
                address="Canary Street 7",
                document_numbers=["CANARYDOC-778899"],
                notes="CANARY-IDENTITY-NOTE",
            ),
            nationality=planted.nationality,
            consent=planted.consent,
        ),
        "planter",
        scope=Scope.everything(),
    )
    assert person.id is not None
    case = add_case(
        db,
        Case(
            person_id=person.id,
            country=planted.country,
            title="CANARY-CASE-TITLE",
            notes="CANARY-CASE-NOTE",
            tags=["canary-tag"],
        ),
        "planter",
        scope=Scope.everything(),
    )
    assert case.id is not None
    event = add_event(
        db,
        Event(
            case_id=case.id,
            type=planted.event_type,
            date=planted.when,
            notes="CANARY-EVENT-NOTE",
            decision_code=_decision_code(planted.country),
            grounds=planted.grounds,
        ),
        "planter",
        scope=Scope.everything(),
    )
    return person.id, event, (person.id, case.id, event.id or "")


def _decision_code(country: str) -> str:
    """Where havenwatch has no rules the code is the caseworker's free text: plant a canary."""
    return "CANARY-DECISION-42" if rules_for(country) is None else "return_decision"


def plant(found: Population, number: int, planted: Planted) -> str:
    """Add one more invented person with this combination; returns their id."""
    person_id, event, identifiers = _plant(found.db, number, planted)
    found.identifiers |= set(identifiers)
    found.add(person_id, planted.nationality, planted.country, event)
    return person_id


def populate(db: Database) -> Population:
    """Load demo cases and plant rare people; return the truth about who is where."""
    found = Population(db)
    files = list(generate(DEMO_CASES, seed=7))
    load_files(db, files, "loader")
    for item in files:
        assert item.person.id and item.case.id
        found.identifiers |= {item.person.id, item.case.id, item.person.pseudonym}
        found.identifiers |= set(item.person.identity.names())
        for event in item.events:
            found.identifiers.add(event.id or "")
            found.add(item.person.id, item.person.nationality, item.case.country, event)
    for number, planted in enumerate(RARE + CROWD):
        person_id, event, identifiers = _plant(db, number, planted)
        found.identifiers |= set(identifiers)
        found.add(person_id, planted.nationality, planted.country, event)
    return found
