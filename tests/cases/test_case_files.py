"""Closing and reopening cases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from havenwatch.access.scope import Scope
from havenwatch.cases.case_files import (
    REOPEN_REASONS,
    CaseFilter,
    add_case,
    close_case,
    get_case,
    list_cases,
    reopen_case,
)
from havenwatch.cases.people import add_person
from havenwatch.core.errors import NotFoundError, ValidationError
from havenwatch.core.model import Case, Person
from havenwatch.store.database import Database
from havenwatch.store.schema import audit_log
from tests.helpers import snapshot


def _closed_case(db: Database, status: str = "won") -> str:
    person = add_person(
        db, Person(pseudonym="Lark", team="team-a"), "test", scope=Scope.everything()
    )
    case = add_case(
        db,
        Case(person_id=person.id or "", country="RS", team="team-a", opened_on=date(2025, 1, 2)),
        "test",
        scope=Scope.everything(),
    )
    close_case(
        db,
        case.id or "",
        "test",
        status=status,
        closed_on=date(2025, 3, 4),
        scope=Scope.everything(),
    )
    return case.id or ""


def test_a_reopened_case_is_open_again_without_a_closing_day(db: Database) -> None:
    case_id = _closed_case(db)
    reopened = reopen_case(
        db, case_id, "user:alice", reason="new_decision", scope=Scope.everything()
    )
    assert (reopened.status, reopened.closed_on) == ("open", None)
    assert [
        case.id for case in list_cases(db, CaseFilter(status="open"), scope=Scope.everything())
    ] == [case_id]


def test_reopening_is_audited_with_the_reason_and_the_closing_it_undid(db: Database) -> None:
    case_id = _closed_case(db, status="lost")
    reopen_case(db, case_id, "user:alice", reason="proceedings_resumed", scope=Scope.everything())
    with db.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "case.reopen")).one()
    assert (entry.actor, entry.target_id, entry.case_id) == ("user:alice", case_id, case_id)
    assert entry.detail == {
        "reason": "proceedings_resumed",
        "from": "lost",
        "closed_on": "2025-03-04",
    }


def test_a_reopened_case_can_be_closed_again(db: Database) -> None:
    case_id = _closed_case(db)
    reopen_case(db, case_id, "test", reason="closed_in_error", scope=Scope.everything())
    assert (
        close_case(db, case_id, "test", status="deported", scope=Scope.everything()).status
        == "deported"
    )


@pytest.mark.parametrize("reason", ["", "because", "new decision"])
def test_an_unknown_reason_is_refused_and_nothing_changes(db: Database, reason: str) -> None:
    case_id = _closed_case(db)
    before = snapshot(db)
    with pytest.raises(ValidationError) as error:
        reopen_case(db, case_id, "test", reason=reason, scope=Scope.everything())
    assert error.value.field == "reason"
    assert snapshot(db) == before


def test_an_open_case_cannot_be_reopened(db: Database) -> None:
    case_id = _closed_case(db)
    reopen_case(db, case_id, "test", reason="other", scope=Scope.everything())
    before = snapshot(db)
    with pytest.raises(ValidationError, match="already open"):
        reopen_case(db, case_id, "test", reason="other", scope=Scope.everything())
    assert snapshot(db) == before


def test_a_case_of_another_team_is_not_found(db: Database) -> None:
    case_id = _closed_case(db)
    with pytest.raises(NotFoundError):
        reopen_case(db, case_id, "test", reason="other", scope=Scope.teams("some-other-team"))
    assert get_case(db, case_id, scope=Scope.everything()).status == "won"


def test_every_reason_can_be_given(db: Database) -> None:
    for reason in REOPEN_REASONS:
        case_id = _closed_case(db)
        assert (
            reopen_case(db, case_id, "test", reason=reason, scope=Scope.everything()).status
            == "open"
        )


def test_a_closed_case_cannot_be_closed_again_under_another_status(db: Database) -> None:
    case_id = _closed_case(db, status="won")
    before = snapshot(db)
    with pytest.raises(ValidationError, match="already closed"):
        close_case(db, case_id, "test", status="lost", scope=Scope.everything())
    assert snapshot(db) == before
    assert get_case(db, case_id, scope=Scope.everything()).status == "won"
