"""The `Scope` value: what a caller may see fails closed."""

from __future__ import annotations

from sqlalchemy import select

from havenwatch.access.permissions import Principal
from havenwatch.access.scope import Scope
from havenwatch.access.visibility import lead_visibility, source_visibility
from havenwatch.cases.sources import add_source
from havenwatch.core.model import Source
from havenwatch.store.database import Database
from havenwatch.store.schema import sources


def _principal(role: str) -> Principal:
    return Principal("u1", "anna", role, "team-1", "nis", "en")


def test_an_administrator_sees_every_team_and_others_their_own() -> None:
    assert Scope.of(_principal("admin")) == Scope.everything()
    assert Scope.of(_principal("caseworker")) == Scope.teams("team-1")
    assert Scope.of(_principal("viewer")).allows("team-1")
    assert not Scope.of(_principal("viewer")).allows("team-2")


def test_an_empty_scope_allows_nothing_not_even_a_record_of_no_team() -> None:
    assert not Scope.teams().allows("team-1")
    assert not Scope.teams().allows(None)
    assert not Scope.teams("team-1").allows(None)
    assert Scope.everything().allows(None)


def test_an_empty_scope_sees_no_source_even_one_linked_to_nobody(db: Database) -> None:
    add_source(db, Source(title="Wire story", text="..."), "t", scope=Scope.everything())
    query = select(sources.c.id)
    with db.read() as conn:
        assert len(conn.execute(query.where(source_visibility(Scope.teams("a")))).all()) == 1
        assert conn.execute(query.where(source_visibility(Scope.teams()))).all() == []
        assert conn.execute(select(lead_visibility(Scope.teams()))).scalar() in (False, 0)


def test_scopes_are_values_usable_as_cache_keys() -> None:
    assert Scope.teams("b", "a", "a") == Scope.teams("a", "b")
    assert len({Scope.teams("a", "b"), Scope.teams("b", "a"), Scope.everything()}) == 2
