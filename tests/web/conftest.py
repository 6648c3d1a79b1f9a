"""A small two-team world on a real instance, with users of every role and planted canaries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from havenwatch.access.accounts import add_user
from havenwatch.access.api_tokens import create_token
from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import add_case
from havenwatch.cases.events import add_event
from havenwatch.cases.people import add_person
from havenwatch.cases.sources import add_source
from havenwatch.cases.vault import store_document
from havenwatch.core.clock import today
from havenwatch.core.dates import from_day
from havenwatch.core.model import Case, Event, Identity, Person, Source
from havenwatch.core.settings import Settings
from havenwatch.store.database import Database
from havenwatch.store.schema import users
from havenwatch.web.app import create_app
from tests.helpers import add_lead

PASSWORD = "correct horse battery"
ROLES = ("admin", "caseworker", "viewer", "researcher")
CANARY_NAME = "Zebulon Quillfeather-Marchetti"
CANARY_PSEUDONYM = "Ptarmigan Canary"
CANARY_TITLE = "Marchetti v. RS secret title"
CANARY_SOURCE = "Quillfeather expelled from Novi Sad"


@dataclass
class World:
    settings: Settings
    db: Database
    ids: dict[str, str] = field(default_factory=dict)


def _person(db: Database, pseudonym: str, full_name: str, team: str) -> str:
    person = add_person(
        db,
        Person(
            pseudonym=pseudonym,
            identity=Identity(
                full_name=full_name,
                other_names=["Волохонский Пётр"] if team == "team-a" else [],
                contact="+381 60 000 0000",
            ),
            nationality="RU",
            team=team,
        ),
        "test",
        scope=Scope.everything(),
    )
    return person.id or ""


def build_world(settings: Settings, db: Database) -> World:
    world = World(settings, db)
    for role in ROLES:
        add_user(db, f"{role}-a", PASSWORD, role, "team-a", "test")
    add_user(db, "caseworker-b", PASSWORD, "caseworker", "team-b", "test")
    ids = world.ids
    ids["person_a"] = _person(db, "Heron Alpha", "Petr Volokhonsky", "team-a")
    ids["case_a"] = (
        add_case(
            db,
            Case(
                person_id=ids["person_a"],
                country="RS",
                title="Alpha v. RS",
                team="team-a",
                tags=["airport"],
            ),
            "test",
            scope=Scope.everything(),
        ).id
        or ""
    )
    event = add_event(
        db,
        Event(
            case_id=ids["case_a"],
            type="entry_ban",
            date=from_day(__import__("datetime").date(2026, 11, 2)),
            authority="border_police",
            grounds="national_security",
        ),
        "test",
        scope=Scope.everything(),
    )
    ids["event_a"] = event.id or ""
    # The appeal step the entry refusal opens (a deadline id is "<event id>:<remedy>").
    ids["deadline_a"] = f"{ids['event_a']}:appeal"
    ids["person_b"] = _person(db, CANARY_PSEUDONYM, CANARY_NAME, "team-b")
    ids["case_b"] = (
        add_case(
            db,
            Case(
                person_id=ids["person_b"],
                country="RS",
                title=CANARY_TITLE,
                team="team-b",
                notes=f"notes about {CANARY_NAME}",
            ),
            "test",
            scope=Scope.everything(),
        ).id
        or ""
    )
    source, _ = add_source(
        db,
        Source(
            title=CANARY_SOURCE, text=f"{CANARY_NAME} was told to leave.", publisher="Canary Post"
        ),
        "test",
        scope=Scope.everything(),
    )
    ids["source_b"] = source.id or ""
    event_b = add_event(
        db,
        Event(
            case_id=ids["case_b"],
            type="expulsion_order",
            notes=f"met {CANARY_NAME}",
            source_ids=[ids["source_b"]],
        ),
        "test",
        scope=Scope.everything(),
    )
    ids["event_b"] = event_b.id or ""
    ids["deadline_b"] = f"{ids['event_b']}:appeal"
    free, _ = add_source(
        db,
        Source(title="Public wire story", text="A decision was reported."),
        "test",
        scope=Scope.everything(),
    )
    ids["source_free"] = free.id or ""
    ids["lead_a"] = add_lead(
        db, ids["source_free"], "An activist was refused entry.", person_id=ids["person_a"]
    )
    ids["lead_b"] = add_lead(
        db, ids["source_b"], f"{CANARY_NAME} was told to leave.", subject=CANARY_NAME
    )
    for key, case_key in (("document_a", "case_a"), ("document_b", "case_b")):
        ids[key] = store_document(
            db,
            settings,
            case_id=ids[case_key],
            filename=f"{key}.txt",
            data=b"decision text\n",
            actor="test",
            scope=Scope.everything(),
        ).id
    for name in ("viewer-a", "caseworker-b"):
        with db.read() as conn:
            ids[f"user:{name}"] = conn.execute(
                select(users.c.id).where(users.c.username == name)
            ).scalar_one()
    return world


@pytest.fixture
def world(instance_settings: Settings, db: Database) -> World:
    return build_world(instance_settings, db)


@pytest.fixture
def app_for(world: World) -> Callable[[], TestClient]:
    def make() -> TestClient:
        return TestClient(create_app(world.settings, db=world.db), raise_server_exceptions=False)

    return make


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]


@pytest.fixture
def client_as(app_for: Callable[[], TestClient]) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = app_for()
        clients.append(client)
        login(client, username)
        return client

    yield make
    for client in clients:
        client.close()


def served_expulsion_order(world: World, days_ago: int = 2, **extra: Any) -> Event:
    """An order to leave within 30 days in case A, served `days_ago` days ago: deadlines run."""
    served = today() - timedelta(days=days_ago)
    return add_event(
        world.db,
        Event(
            case_id=world.ids["case_a"],
            type="expulsion_order",
            date=from_day(served),
            served_on=served,
            deadline_days=30,
            **extra,
        ),
        "test",
        scope=Scope.everything(),
    )


def user_id_of(world: World, username: str) -> str:
    with world.db.read() as conn:
        return str(
            conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
        )


def api_headers(world: World, username: str) -> dict[str, str]:
    """The Authorization header of a new personal API token of `username`."""
    token = create_token(world.db, user_id_of(world, username), "test", "test")
    return {"authorization": f"Bearer {token}"}


def csrf_of(client: TestClient, page: str = "/settings") -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert match, "no CSRF token on the page"
    return match.group(1)
