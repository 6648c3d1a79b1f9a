"""Full-text search: what is indexed, what never is, and that every write path keeps it current."""

from __future__ import annotations

from havenwatch.access.scope import Scope
from havenwatch.cases.bulk import load_files
from havenwatch.cases.case_files import add_case
from havenwatch.cases.demo import generate
from havenwatch.cases.events import add_event, list_events, update_event
from havenwatch.cases.people import add_person, find_people_by_name, get_person, update_person
from havenwatch.cases.search import search
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.store.database import Database


def _person(db: Database, team: str = "team-a") -> Person:
    return add_person(
        db,
        Person(
            pseudonym="Kestrel Nine",
            team=team,
            identity=Identity(full_name="Волохонский Пётр", notes="hides in Zemun"),
        ),
        "test",
        scope=Scope.everything(),
    )


def test_pseudonyms_titles_events_and_sources_are_found_across_diacritics(db: Database) -> None:
    person = _person(db)
    case = add_case(
        db,
        Case(
            person_id=person.id or "",
            country="RS",
            title="Kestrel v. Srbija",
            team="team-a",
            tags=["aerodrom"],
        ),
        "test",
        scope=Scope.everything(),
    )
    event = add_event(
        db,
        Event(
            case_id=case.id or "",
            type="entry_ban",
            authority="border_police",
            notes="secret note about Zemun",
        ),
        "test",
        scope=Scope.everything(),
    )
    source, _ = add_source(
        db,
        Source(title="Đorđević report", text="Zabrana ulaska izrečena."),
        "test",
        scope=Scope.everything(),
    )
    assert search(db, "kestrel", scope=Scope.everything())["person"] == [person.id]
    assert search(db, "srbija aerodrom", scope=Scope.everything())["case"] == [case.id]
    assert search(db, "border police", scope=Scope.everything())["event"] == [event.id]
    assert search(db, "zabrana", scope=Scope.everything())["source"] == [source.id]
    if db.is_sqlite:
        assert search(db, "đorđevic", scope=Scope.everything())["source"] == [source.id]


def test_identity_and_notes_are_never_in_the_index(db: Database) -> None:
    person = _person(db)
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team="team-a", notes="met at Zemun station"),
        "test",
        scope=Scope.everything(),
    )
    add_event(
        db,
        Event(case_id=case.id or "", type="detention", notes="Zemun again"),
        "test",
        scope=Scope.everything(),
    )
    for query in ("Волохонский", "Zemun", "station", "hides"):
        assert not any(search(db, query, scope=Scope.everything()).values()), query


def test_names_are_found_through_the_blind_index_in_any_script(db: Database) -> None:
    person = _person(db)
    assert find_people_by_name(db, "Volokhonsky", scope=Scope.everything()) == [person.id]
    assert find_people_by_name(db, "Volokhonsky", scope=Scope.teams("nobody")) == []


def test_search_respects_team_scope(db: Database) -> None:
    person = _person(db, "team-b")
    found = search(db, "kestrel", scope=Scope.teams("some-other-team-id"))
    assert found["person"] == []
    assert search(db, "kestrel", scope=Scope.everything())["person"] == [person.id]


def test_updates_replace_what_is_indexed(db: Database) -> None:
    person = _person(db)
    stored = get_person(
        db, person.id or "", actor="test", with_identity=True, scope=Scope.everything()
    )
    stored.pseudonym = "Osprey Ten"
    update_person(db, stored, "test", scope=Scope.everything())
    assert search(db, "kestrel", scope=Scope.everything())["person"] == []
    assert search(db, "osprey", scope=Scope.everything())["person"] == [person.id]
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team="team-a"),
        "test",
        scope=Scope.everything(),
    )
    add_event(db, Event(case_id=case.id or "", type="detention"), "test", scope=Scope.everything())
    event = list_events(db, case.id or "", scope=Scope.everything())[0]
    event.type = "deportation"
    update_event(db, event, "test", scope=Scope.everything())
    assert search(db, "detention", scope=Scope.everything())["event"] == []
    assert search(db, "deportation", scope=Scope.everything())["event"] == [event.id]


def test_bulk_loaded_demo_data_is_searchable(db: Database) -> None:
    files = list(generate(6, seed=7))
    load_files(db, files, "demo")
    pseudonym = files[0].person.pseudonym
    assert search(db, pseudonym, scope=Scope.everything())["person"] == [files[0].person.id]
    assert search(db, files[0].case.title, scope=Scope.everything())["case"]


def test_a_limited_name_search_keeps_the_first_people_by_id(db: Database) -> None:
    ids = sorted(
        add_person(db, Person(pseudonym=f"Kestrel {number}"), "t", scope=Scope.everything()).id
        or ""
        for number in range(3)
    )
    assert find_people_by_name(db, "Kestrel", limit=2, scope=Scope.everything()) == ids[:2]


def test_words_naming_a_kind_are_searched_in_the_text_only(db: Database) -> None:
    person = _person(db)
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", title="Event case person", team="team-a"),
        "test",
        scope=Scope.everything(),
    )
    found = search(db, "person", scope=Scope.everything())
    assert found["case"] == [case.id]
    assert found["person"] == [] and found["event"] == [] and found["source"] == []
    assert search(db, "event case", scope=Scope.everything())["case"] == [case.id]
